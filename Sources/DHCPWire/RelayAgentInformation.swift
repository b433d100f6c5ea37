/// Option 82, relay agent information (RFC 3046): a list of sub-options, of which circuit-id (1) and
/// remote-id (2) identify the switch port a device sits on. Servers echo the option unchanged as the last
/// option of their reply (RFC 3046 §2.2).
public struct RelayAgentInformation: Hashable, Sendable {
    public struct SubOption: Hashable, Sendable {
        public var code: UInt8
        public var value: [UInt8]
        public init(code: UInt8, value: [UInt8]) {
            self.code = code
            self.value = value
        }
    }

    public static let circuitIDCode: UInt8 = 1
    public static let remoteIDCode: UInt8 = 2

    public var subOptions: [SubOption]

    public init(subOptions: [SubOption]) { self.subOptions = subOptions }

    public init(decoding value: [UInt8]) throws(DHCPOptionError) {
        var subOptions: [SubOption] = []
        var index = 0
        while index < value.count {
            guard index + 1 < value.count else {
                throw DHCPOptionError(
                    code: .relayAgentInformation, length: value.count, reason: "sub-option at \(index) has no length")
            }
            let length = Int(value[index + 1])
            guard index + 2 + length <= value.count else {
                throw DHCPOptionError(
                    code: .relayAgentInformation, length: value.count,
                    reason: "sub-option \(value[index]) at \(index) declares \(length) bytes past the end")
            }
            subOptions.append(SubOption(code: value[index], value: Array(value[(index + 2)..<(index + 2 + length)])))
            index += 2 + length
        }
        self.subOptions = subOptions
    }

    public var circuitID: [UInt8]? { subOptions.first { $0.code == Self.circuitIDCode }?.value }
    public var remoteID: [UInt8]? { subOptions.first { $0.code == Self.remoteIDCode }?.value }

    public func encode() -> [UInt8] { subOptions.flatMap { [$0.code, UInt8($0.value.count)] + $0.value } }
}

extension DHCPOptions {
    public var relayAgentInformation: RelayAgentInformation? {
        get throws(DHCPOptionError) {
            guard let value = self[.relayAgentInformation] else { return nil }
            do {
                return try RelayAgentInformation(decoding: value)
            } catch {
                var located = error
                located.offset = offsets[.relayAgentInformation]
                throw located
            }
        }
    }
}
