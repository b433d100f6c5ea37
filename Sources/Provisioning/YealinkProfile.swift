import WireSupport

/// Yealink T4x auto-provisioning (issue 18), as data: the files a phone asks for, how DHCP tells it apart,
/// and how its firmware is staged. A T4x on firmware V81 or later first asks its provisioning server
/// (option 66) for `<mac>.boot` and `y000000000000.boot`; without them it takes the older pair: the common
/// file of its hardware, `y` + the hardware id zero-padded to 12 digits + `.cfg` (`y000000000028.cfg` for a
/// T46G), then its own `<mac>.cfg` (lowercase hex, no separators). It upgrades when a config's
/// `static.firmware.url` (`firmware.url` before V83) names an image other than the one it runs. Sources
/// (Yealink's auto-provisioning guides, wazo's Yealink plugins) are in docs/provisioning.md "Yealink T4x".
public enum YealinkProfile {
    /// Model → the hardware id in the name of its common file. The S and U series share images.
    public static let models: [(name: String, hardwareID: Int)] = [
        ("T46G", 28), ("T42G", 29), ("T48G", 35), ("T41P", 36), ("T40P", 54),
        ("T48S", 65), ("T46S", 66), ("T42S", 67), ("T41S", 68),
        ("T43U", 107), ("T46U", 108), ("T48U", 109), ("T42U", 116),
    ]

    /// Organisationally unique identifiers of Yealink phones (wazo's dhcpd_update/yealink.conf).
    public static let ouis: [[UInt8]] = [
        [0x00, 0x15, 0x65], [0xE4, 0x34, 0xD7], [0x80, 0x5E, 0xC0], [0x80, 0x5E, 0x0C], [0x24, 0x9A, 0xD8],
        [0x44, 0xDB, 0xD2], [0x64, 0x4F, 0x56], [0xEC, 0x1D, 0xA9], [0x34, 0x97, 0xD7], [0xB0, 0x61, 0xA9],
        [0xC4, 0xFC, 0x22], [0xF0, 0x16, 0x53],
    ]

    /// A file name a Yealink phone asks for, as this server reads it.
    public enum File: Hashable, Sendable {
        /// `y000000000028.cfg`: settings common to every phone of one hardware; the id names its model(s).
        case common(hardwareID: Int)
        /// `<mac>.cfg`: this phone's own settings, where its firmware step is named.
        case device(MACAddress)
    }

    /// Reads a requested name (any case). Nil for names that are not Yealink provisioning files.
    public static func file(named name: String) -> File? {
        let lower = name.lowercased()
        guard lower.hasSuffix(".cfg") else { return nil }
        let stem = String(lower.dropLast(4))
        if stem.count == 13, stem.hasPrefix("y"), stem.dropFirst().allSatisfy(\.isNumber) {
            return Int(stem.dropFirst()).map { .common(hardwareID: $0) }
        }
        // `000000000000.cfg` is Polycom's master file, not a phone's own.
        if stem.count == 12, stem != "000000000000", stem.allSatisfy(\.isHexDigit), let mac = MACAddress(stem) {
            return .device(mac)
        }
        return nil
    }

    public static func commonFile(model: String) -> String? {
        hardwareID(model: model).map { id in
            let digits = String(id)
            return "y" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".cfg"
        }
    }

    /// What a V81+ phone asks for before the pair above; Dialtone serves none, so it falls back to them.
    public static func bootFiles(_ mac: MACAddress) -> [String] {
        [mac.compactUppercase.lowercased() + ".boot", "y000000000000.boot"]
    }

    public static func deviceFile(_ mac: MACAddress) -> String { mac.compactUppercase.lowercased() + ".cfg" }

    /// A firmware step of an upgrade path is the image's name without `.rom` (`T46-28.83.0.120`).
    public static func firmwareFile(_ version: String) -> String { version + ".rom" }

    public static func hardwareID(model: String) -> Int? {
        models.first { $0.name.lowercased() == model.lowercased() }?.hardwareID
    }

    /// The models one hardware id stands for (the S series shares ids between models).
    public static func models(hardwareID: Int) -> [String] {
        models.filter { $0.hardwareID == hardwareID }.map(\.name)
    }

    public static func isModel(_ name: String) -> Bool { hardwareID(model: name) != nil }

    /// Whether DHCP shows a Yealink phone: option 60 starting with "yealink" (any case; what third-party
    /// DHCP configs match, the default value is not documented), or a Yealink OUI.
    public static func matches(vendorClass: String?, mac: MACAddress?) -> Bool {
        if let vendorClass, vendorClass.lowercased().hasPrefix("yealink") { return true }
        return mac.map { m in ouis.contains { m.hasPrefix($0) } } ?? false
    }

    /// The model named in option 60, when the phone puts it there ("yealink SIP-T46G" → T46G).
    public static func model(vendorClass: String) -> String? {
        let upper = vendorClass.uppercased()
        guard upper.hasPrefix("YEALINK") else { return nil }
        return models.map(\.name).filter { upper.hasSuffix($0) || upper.contains("-" + $0) }.max { $0.count < $1.count }
    }

    /// The image a config tells the phone to run: the file name at the end of `static.firmware.url` (V83+)
    /// or `firmware.url` (before).
    public static func firmware(inConfig text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map {
                String($0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            }
            guard parts.count == 2, parts[0] == "static.firmware.url" || parts[0] == "firmware.url", !parts[1].isEmpty
            else { continue }
            return parts[1].split(separator: "/").last.map(String.init)
        }
        return nil
    }
}
