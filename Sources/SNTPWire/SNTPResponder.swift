/// The SNTP server's decision for one request (RFC 4330 §5), as a pure function: the shell supplies the
/// receive and transmit times and whether the host clock is synchronized.
public enum SNTPResponder {
    public struct Settings: Hashable, Sendable {
        public var stratum: UInt8
        /// Four ASCII characters for stratum 1 ("GPS ", "LOCL"); shown by clients as the source.
        public var referenceID: String
        public init(stratum: UInt8, referenceID: String) {
            self.stratum = stratum
            self.referenceID = referenceID
        }
    }

    /// - Parameters:
    ///   - synchronized: false when the kernel says the clock is unsynchronized; the reply then says so
    ///     (LI 3, stratum 16 as in RFC 5905) instead of claiming a time it cannot vouch for.
    /// - Returns: nil for anything but a client request (mode 3) of version 1-4.
    public static func reply(
        to request: NTPPacket, received: NTPTimestamp, transmit: NTPTimestamp, synchronized: Bool, settings: Settings
    ) -> NTPPacket? {
        guard request.mode == 3, (1...4).contains(request.version) else { return nil }
        var reference = Array(settings.referenceID.utf8.prefix(4))
        reference += Array(repeating: 0x20, count: 4 - reference.count)
        return NTPPacket(
            leapIndicator: synchronized ? 0 : 3,
            // RFC 4330 §5: copy the version, mode 4; the request's transmit time becomes our originate time.
            version: request.version, mode: 4,
            stratum: synchronized ? settings.stratum : 16,
            poll: request.poll,
            precision: -20,  // about a microsecond: the resolution of the shell's realtime clock
            rootDelay: 0,
            rootDispersion: synchronized ? 0x0000_0100 : 0xFFFF_FFFF,  // 1/256 s, or "unknown"
            referenceID: synchronized ? reference : Array("INIT".utf8),
            referenceTimestamp: synchronized ? received : .zero,
            originateTimestamp: request.transmitTimestamp,
            receiveTimestamp: received,
            transmitTimestamp: transmit)
    }
}
