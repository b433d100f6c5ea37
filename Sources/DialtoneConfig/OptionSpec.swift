import DHCPWire
import WireSupport

/// How a config-defined option value is typed (the `type:` of `{ code, type, value }`). Typed input is the
/// cure for Tftpd32's untyped custom options, where `150 | 10.0.0.1` goes out as 8 ASCII bytes.
enum OptionType: String, CaseIterable {
    case ipv4
    case ipv4List = "ipv4-list"
    case uint8, uint16, uint32, bool, string, hex

    /// Options whose wire format is fixed by an RFC; a config giving another type for them is a mistake.
    static let standard: [UInt8: OptionType] = [
        1: .ipv4, 3: .ipv4List, 6: .ipv4List, 12: .string, 15: .string, 28: .ipv4, 42: .ipv4List, 44: .ipv4List,
        51: .uint32, 54: .ipv4, 58: .uint32, 59: .uint32, 66: .string, 67: .string, 150: .ipv4List,
    ]

    /// Codes the server computes itself: configuring them would break the protocol.
    static let reserved: [UInt8: String] = [
        0: "PAD", 255: "END", 52: "option overload", 53: "the message type", 55: "the parameter request list",
        61: "the client identifier", 82: "relay agent information (echoed from the relay)",
    ]
}

struct OptionSpecReader {
    let scalars: ConfigScalars
    let diagnostics: ConfigDiagnostics

    /// Reads `{ code: 150, type: ipv4-list, value: [..] }` and encodes it.
    func read(_ node: ConfigNode, _ path: String) -> ConfiguredOption? {
        guard
            let section = ConfigSection(
                node, path: path, allowed: ["code", "type", "value"], diagnostics: diagnostics),
            let codeNode = section.require("code"),
            let code = scalars.integer(codeNode, section.childPath("code"), in: 1...254),
            let typeNode = section.require(
                "type", "one of \(OptionType.allCases.map(\.rawValue).joined(separator: ", "))"),
            let type = scalars.choice(
                typeNode, section.childPath("type"), OptionType.allCases.map { ($0.rawValue, $0) }),
            let valueNode = section.require("value")
        else { return nil }
        if let reason = OptionType.reserved[UInt8(code)] {
            section.error("option \(code) is \(reason) and is set by the server, not the config", key: "code")
            return nil
        }
        if let expected = OptionType.standard[UInt8(code)], expected != type {
            section.error(
                "option \(code) is defined as \(expected.rawValue) (RFC 2132/5859), not \(type.rawValue)", key: "type")
            return nil
        }
        guard let bytes = encode(valueNode, section.childPath("value"), as: type) else { return nil }
        guard bytes.count <= 1020 else {
            section.error("value is \(bytes.count) bytes; keep options under 1020 bytes", key: "value")
            return nil
        }
        return ConfiguredOption(code: DHCPOptionCode(UInt8(code)), value: bytes)
    }

    private func encode(_ node: ConfigNode, _ path: String, as type: OptionType) -> [UInt8]? {
        switch type {
        case .ipv4:
            return scalars.ipv4(node, path)?.octets
        case .ipv4List:
            guard let list = scalars.list(node, path, scalars.ipv4) else { return nil }
            if list.isEmpty { diagnostics.error("an ipv4-list needs at least one address", at: node.mark, path: path) }
            return list.flatMap(\.octets)
        case .uint8:
            return scalars.integer(node, path, in: 0...0xFF).map { [UInt8($0)] }
        case .uint16:
            return scalars.integer(node, path, in: 0...0xFFFF).map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .uint32:
            return scalars.integer(node, path, in: 0...0xFFFF_FFFF).map { v in
                (0..<4).reversed().map { UInt8((v >> ($0 * 8)) & 0xFF) }
            }
        case .bool:
            return scalars.bool(node, path).map { [$0 ? 1 : 0] }
        case .string:
            return scalars.string(node, path).map { Array($0.utf8) }
        case .hex:
            guard let text = scalars.scalar(node, path, expected: "hex bytes such as 01:02:ff or 0102ff") else {
                return nil
            }
            let hex = text.filter { $0 != ":" && $0 != " " && $0 != "-" }
            guard hex.count % 2 == 0, hex.allSatisfy(\.isHexDigit) else {
                diagnostics.error(
                    "`\(text)` is not hex bytes (pairs of 0-9a-f, optionally separated by `:`)", at: node.mark,
                    path: path)
                return nil
            }
            return parseMACPrefix(hex)
                ?? stride(from: 0, to: hex.count, by: 2).map {
                    let start = hex.index(hex.startIndex, offsetBy: $0)
                    return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
                }
        }
    }
}
