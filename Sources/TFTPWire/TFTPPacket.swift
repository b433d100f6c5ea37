/// A TFTP packet (RFC 1350 §5, RFC 2347 OACK).
///
/// ```
///  RRQ/WRQ   | 01/02 | filename | 0 | mode | 0 | opt1 | 0 | value1 | 0 | ...
///  DATA      | 03 | block # (2) | data (0..blksize) |
///  ACK       | 04 | block # (2) |
///  ERROR     | 05 | error code (2) | message | 0 |
///  OACK      | 06 | opt1 | 0 | value1 | 0 | ...
/// ```
public enum TFTPPacket: Hashable, Sendable {
    case readRequest(TFTPRequest)
    case writeRequest(TFTPRequest)
    case data(block: UInt16, payload: [UInt8])
    case ack(block: UInt16)
    case error(TFTPErrorCode, message: String)
    case optionAcknowledgement([TFTPOption])
}

/// One option as sent: name and value text, order kept (the OACK answers in the client's order).
public struct TFTPOption: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public struct TFTPRequest: Hashable, Sendable {
    public var filename: String
    /// Lowercased: RFC 1350 modes are case-insensitive ("octet", "netascii"; "mail" is obsolete).
    public var mode: String
    public var options: [TFTPOption]
    public init(filename: String, mode: String, options: [TFTPOption] = []) {
        self.filename = filename
        self.mode = mode
        self.options = options
    }

    /// The value of an option, names compared case-insensitively (RFC 2347 §2).
    public func option(_ name: String) -> String? {
        options.first { $0.name.lowercased() == name }?.value
    }
}

/// RFC 1350 error codes, plus 8 from RFC 2347. Open: unknown codes from peers decode and re-encode.
public struct TFTPErrorCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let notDefined = TFTPErrorCode(rawValue: 0)
    public static let fileNotFound = TFTPErrorCode(rawValue: 1)
    public static let accessViolation = TFTPErrorCode(rawValue: 2)
    public static let diskFull = TFTPErrorCode(rawValue: 3)
    public static let illegalOperation = TFTPErrorCode(rawValue: 4)
    public static let unknownTransferID = TFTPErrorCode(rawValue: 5)
    public static let fileExists = TFTPErrorCode(rawValue: 6)
    public static let noSuchUser = TFTPErrorCode(rawValue: 7)
    public static let optionRefused = TFTPErrorCode(rawValue: 8)
}

public enum TFTPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooShort(length: Int)
    case unknownOpcode(UInt16)
    case unterminatedString(field: String, offset: Int)
    case emptyFilename
    case oddOptionList
    case emptyOptionAcknowledgement

    public var description: String {
        switch self {
        case .tooShort(let length): "packet of \(length) bytes is too short"
        case .unknownOpcode(let opcode): "opcode \(opcode) is not 1-6"
        case .unterminatedString(let field, let offset): "\(field) at offset \(offset) has no terminating NUL"
        case .emptyFilename: "the file name is empty"
        case .oddOptionList: "an option name has no value"
        case .emptyOptionAcknowledgement: "OACK without options"
        }
    }
}
