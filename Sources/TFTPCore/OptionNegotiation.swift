import TFTPWire

/// What a transfer runs with after RFC 2347 negotiation.
public struct TransferParameters: Hashable, Sendable {
    public var blockSize: Int = 512
    public var windowSize: Int = 1
    /// Retransmission timeout in milliseconds (RFC 2349 `timeout` is whole seconds).
    public var timeoutMilliseconds: Int64
    /// The options to acknowledge, in the client's order; empty means no OACK (plain RFC 1350).
    public var acknowledged: [TFTPOption] = []
}

public struct NegotiationLimits: Hashable, Sendable {
    public var maxBlockSize: Int
    public var maxWindowSize: Int
    public var defaultTimeoutMilliseconds: Int64
    public init(maxBlockSize: Int, maxWindowSize: Int, defaultTimeoutMilliseconds: Int64) {
        self.maxBlockSize = maxBlockSize
        self.maxWindowSize = maxWindowSize
        self.defaultTimeoutMilliseconds = defaultTimeoutMilliseconds
    }
}

/// RFC 2347/2348/2349/7440 negotiation. The OACK carries only options the client asked for, with values the
/// server accepts; a value out of range is lowered (blksize, windowsize) or the option dropped (timeout),
/// never refused, so a client with odd requests still gets its file. Unknown options are ignored, and so
/// are the repeats of one already acknowledged.
public enum OptionNegotiation {
    /// - Parameter transferSize: the file size for RRQ (answered to `tsize` 0); nil for WRQ, where the
    ///   client's `tsize` value is echoed (RFC 2349 §2).
    public static func negotiate(
        _ request: TFTPRequest, limits: NegotiationLimits, transferSize: Int64?
    ) -> TransferParameters {
        var result = TransferParameters(timeoutMilliseconds: limits.defaultTimeoutMilliseconds)
        for option in request.options {
            let name = option.name.lowercased()
            // A repeated option is answered once, by its first usable instance: acknowledging `blksize` twice
            // with two values leaves the client to guess which one the DATA follows (TFTPOptionsFuzz).
            if result.acknowledged.contains(where: { $0.name.lowercased() == name }) { continue }
            switch name {
            case "blksize":
                // RFC 2348: 8..65464. Clamped to what the interface MTU and config allow.
                guard let asked = Int(option.value), asked >= 8 else { continue }
                result.blockSize = min(asked, limits.maxBlockSize, 65464)
                result.acknowledged.append(TFTPOption(option.name, String(result.blockSize)))
            case "windowsize":
                // RFC 7440: 1..65535.
                guard let asked = Int(option.value), asked >= 1 else { continue }
                result.windowSize = min(asked, limits.maxWindowSize, 65535)
                result.acknowledged.append(TFTPOption(option.name, String(result.windowSize)))
            case "timeout":
                // RFC 2349: 1..255 seconds; anything else is simply not acknowledged.
                guard let seconds = Int(option.value), (1...255).contains(seconds) else { continue }
                result.timeoutMilliseconds = Int64(seconds) * 1000
                result.acknowledged.append(TFTPOption(option.name, String(seconds)))
            case "tsize":
                // tftp-hpa answers tsize only in octet mode: a netascii size depends on the conversion.
                guard request.mode == "octet" else { continue }
                if let size = transferSize {
                    result.acknowledged.append(TFTPOption(option.name, String(size)))
                } else if Int64(option.value) != nil {
                    result.acknowledged.append(TFTPOption(option.name, option.value))
                }
            default:
                continue
            }
        }
        return result
    }
}
