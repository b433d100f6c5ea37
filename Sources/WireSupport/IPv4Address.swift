import NIOCore

/// An IPv4 address held as its 32-bit big-endian value, so ordering, ranges and arithmetic are integer operations.
public struct IPv4Address: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses dotted-quad notation strictly: four decimal parts 0...255, no leading `+`, no spaces.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let octet = UInt8(part)
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        self.rawValue = value
    }

    public static let any = IPv4Address(rawValue: 0)
    public static let broadcast = IPv4Address(rawValue: 0xFFFF_FFFF)

    public var octets: [UInt8] {
        [
            UInt8(rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
            UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue),
        ]
    }

    public var isAny: Bool { rawValue == 0 }

    /// Dotted quad, written straight into the string: this runs several times per DHCP exchange (events,
    /// logs), and at most 15 bytes it is a small string, with no allocation at all (a byte array first cost
    /// two, callgrind, bench/dhcp).
    public var description: String {
        String(unsafeUninitializedCapacity: 15) { out in
            var n = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: rawValue >> UInt32(shift))
                if octet >= 100 {
                    out[n] = 0x30 + octet / 100
                    n += 1
                }
                if octet >= 10 {
                    out[n] = 0x30 + (octet / 10) % 10
                    n += 1
                }
                out[n] = 0x30 + octet % 10
                n += 1
                if shift > 0 {
                    out[n] = 0x2E
                    n += 1
                }
            }
            return n
        }
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The address `n` places further on; nil past 255.255.255.255.
    public func advanced(by n: UInt32) -> IPv4Address? {
        let (sum, overflow) = rawValue.addingReportingOverflow(n)
        return overflow ? nil : IPv4Address(rawValue: sum)
    }
}

extension ByteBuffer {
    public mutating func readIPv4Address() -> IPv4Address? {
        readInteger(as: UInt32.self).map(IPv4Address.init(rawValue:))
    }

    @discardableResult
    public mutating func writeIPv4Address(_ address: IPv4Address) -> Int {
        writeInteger(address.rawValue)
    }
}
