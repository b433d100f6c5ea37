/// An NTP/SNTP packet (RFC 4330 §4, RFC 5905 §7.3), without extension fields or authenticator.
///
/// ```
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |
/// |                          Root Delay                           |
/// |                       Root Dispersion                         |
/// |                     Reference Identifier                      |
/// |                   Reference Timestamp (64)                    |
/// |                   Originate Timestamp (64)                    |
/// |                    Receive Timestamp (64)                     |
/// |                    Transmit Timestamp (64)                    |
/// ```
public struct NTPPacket: Hashable, Sendable {
    /// 0 no warning ... 3 alarm: clock not synchronized.
    public var leapIndicator: UInt8
    public var version: UInt8
    /// 3 client, 4 server (RFC 4330 §4).
    public var mode: UInt8
    public var stratum: UInt8
    public var poll: Int8
    public var precision: Int8
    public var rootDelay: UInt32
    public var rootDispersion: UInt32
    public var referenceID: [UInt8]
    public var referenceTimestamp: NTPTimestamp
    public var originateTimestamp: NTPTimestamp
    public var receiveTimestamp: NTPTimestamp
    public var transmitTimestamp: NTPTimestamp

    public init(
        leapIndicator: UInt8 = 0, version: UInt8 = 4, mode: UInt8, stratum: UInt8 = 0, poll: Int8 = 0,
        precision: Int8 = 0,
        rootDelay: UInt32 = 0, rootDispersion: UInt32 = 0, referenceID: [UInt8] = [0, 0, 0, 0],
        referenceTimestamp: NTPTimestamp = .zero, originateTimestamp: NTPTimestamp = .zero,
        receiveTimestamp: NTPTimestamp = .zero, transmitTimestamp: NTPTimestamp = .zero
    ) {
        self.leapIndicator = leapIndicator
        self.version = version
        self.mode = mode
        self.stratum = stratum
        self.poll = poll
        self.precision = precision
        self.rootDelay = rootDelay
        self.rootDispersion = rootDispersion
        self.referenceID = referenceID
        self.referenceTimestamp = referenceTimestamp
        self.originateTimestamp = originateTimestamp
        self.receiveTimestamp = receiveTimestamp
        self.transmitTimestamp = transmitTimestamp
    }

    public enum DecodingError: Error, Hashable, Sendable { case tooShort(Int) }

    /// Decodes the 48-byte header; extension fields and MACs after it are ignored (SNTP needs none).
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        guard bytes.count >= 48 else { throw .tooShort(bytes.count) }
        func u32(_ i: Int) -> UInt32 {
            UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
        }
        func ts(_ i: Int) -> NTPTimestamp { NTPTimestamp(seconds: u32(i), fraction: u32(i + 4)) }
        self.init(
            leapIndicator: bytes[0] >> 6, version: (bytes[0] >> 3) & 0x7, mode: bytes[0] & 0x7, stratum: bytes[1],
            poll: Int8(bitPattern: bytes[2]), precision: Int8(bitPattern: bytes[3]), rootDelay: u32(4),
            rootDispersion: u32(8),
            referenceID: Array(bytes[12..<16]), referenceTimestamp: ts(16), originateTimestamp: ts(24),
            receiveTimestamp: ts(32),
            transmitTimestamp: ts(40))
    }

    public func encode() -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] {
            [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
        var out: [UInt8] = [
            leapIndicator << 6 | (version & 0x7) << 3 | (mode & 0x7), stratum, UInt8(bitPattern: poll),
            UInt8(bitPattern: precision),
        ]
        out += u32(rootDelay) + u32(rootDispersion) + (referenceID + [0, 0, 0, 0]).prefix(4)
        for t in [referenceTimestamp, originateTimestamp, receiveTimestamp, transmitTimestamp] {
            out += u32(t.seconds) + u32(t.fraction)
        }
        return out
    }
}

/// NTP time: seconds since 1900-01-01 and a 32-bit binary fraction (RFC 4330 §3). Era 0; the 2036
/// rollover is handled by the wrap of `seconds` as RFC 4330 §3 describes.
public struct NTPTimestamp: Hashable, Sendable {
    public var seconds: UInt32
    public var fraction: UInt32
    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }
    public static let zero = NTPTimestamp(seconds: 0, fraction: 0)
    /// Seconds from 1900 to the Unix epoch.
    public static let unixOffset: Int64 = 2_208_988_800

    /// From Unix time in nanoseconds.
    public init(unixNanoseconds: Int64) {
        let seconds = unixNanoseconds / 1_000_000_000 + Self.unixOffset
        let nanos = unixNanoseconds % 1_000_000_000
        self.seconds = UInt32(truncatingIfNeeded: seconds)
        self.fraction = UInt32((UInt64(nanos) << 32) / 1_000_000_000)
    }
}
