import WireSupport

/// Polycom UC Software phones (VVX, SoundPoint IP) as data (issue 18). The phone reads a master file, its
/// own `<mac>.cfg` first, else `000000000000.cfg`: an `<APPLICATION>` element whose `APP_FILE_PATH` names
/// the application image (`.sip.ld`) and `CONFIG_FILES` the settings files, fetched in that order
/// (`[PHONE_MAC_ADDRESS]` stands for its MAC). It synchronises its application with the one named there
/// at every boot. Sources (Polycom's SIP 3.1 and UCS administrator guides, wazo's Polycom plugin) are in
/// docs/research/phones-beyond-7970.md §2.
public enum PolycomProfile {
    /// Model names as `phones.upgrade_paths` and `phones.devices` use them.
    public static let models = [
        "VVX300", "VVX310", "VVX400", "VVX410", "VVX500", "VVX600", "VVX1500", "IP335", "IP450", "IP550", "IP650",
    ]

    /// OUIs of Polycom phones (wazo's dhcpd_update/polycom.conf).
    public static let ouis: [[UInt8]] = [[0x00, 0x04, 0xF2], [0x64, 0x16, 0x7F], [0x48, 0x25, 0x67]]

    public static let masterFile = "000000000000.cfg"

    public enum File: Hashable, Sendable {
        /// `000000000000.cfg`: the master file for every phone.
        case siteMaster
        /// `<mac>.cfg`: this phone's own master file (it is asked for before the site's).
        case master(MACAddress)
        /// `<mac>-user.cfg`: this phone's settings, named in its master's CONFIG_FILES.
        case user(MACAddress)
    }

    /// Reads a requested name (any case). `<mac>.cfg` is also Yealink's name: the caller decides by vendor.
    public static func file(named name: String) -> File? {
        let lower = name.lowercased()
        if lower == masterFile { return .siteMaster }
        if lower.hasSuffix("-user.cfg"), let mac = mac(String(lower.dropLast("-user.cfg".count))) {
            return .user(mac)
        }
        if lower.hasSuffix(".cfg"), let mac = mac(String(lower.dropLast(".cfg".count))) { return .master(mac) }
        return nil
    }

    static func mac(_ stem: String) -> MACAddress? {
        guard stem.count == 12, stem != "000000000000", stem.allSatisfy(\.isHexDigit) else { return nil }
        return MACAddress(stem)
    }

    public static func masterFile(_ mac: MACAddress) -> String { compact(mac) + ".cfg" }
    public static func userFile(_ mac: MACAddress) -> String { compact(mac) + "-user.cfg" }
    static func compact(_ mac: MACAddress) -> String { mac.compactUppercase.lowercased() }

    /// A step of an upgrade path names an application image; its file is `<step>.sip.ld`.
    public static func imageFile(_ step: String) -> String { step + ".sip.ld" }

    public static func isModel(_ name: String) -> Bool { models.contains { $0.lowercased() == name.lowercased() } }

    /// Whether DHCP shows a Polycom: option 60 (RFC 3925, enterprise 13885, its company sub-option
    /// "Polycom") or a Polycom OUI.
    public static func matches(vendorClass: String?, mac: MACAddress?) -> Bool {
        if let vendorClass, vendorClass.contains("Polycom") { return true }
        return mac.map { m in ouis.contains { m.hasPrefix($0) } } ?? false
    }

    /// What a master file says: the application image and the settings files, `[PHONE_MAC_ADDRESS]`
    /// replaced by `mac`.
    public static func master(_ text: String, mac: MACAddress) -> (application: String?, configFiles: [String]) {
        let application = attribute("APP_FILE_PATH", in: text)
        let files = (attribute("CONFIG_FILES", in: text) ?? "").split(separator: ",").map {
            String($0.filter { $0 != " " }).replacing("[PHONE_MAC_ADDRESS]", with: compact(mac))
        }.filter { !$0.isEmpty }
        return (application.flatMap { $0.isEmpty ? nil : $0 }, files)
    }

    static func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.firstRange(of: name + "=\"") else { return nil }
        let rest = text[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
