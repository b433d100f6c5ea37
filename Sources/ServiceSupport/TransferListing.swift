import Foundation

/// One file transfer as the API and the dashboard show it. TFTP fills these today; an HTTP file service
/// would publish its fetches the same way.
public struct TransferRecord: Sendable, Codable, Hashable {
    public var id: Int
    public var client: String
    public var file: String
    public var bytes: Int64
    public var size: Int64?
    public var blockSize: Int
    public var windowSize: Int
    /// running, completed, failed
    public var state: String
    public var started: Date
    public var finished: Date?
    public var detail: String?

    /// A transfer as it starts: nothing sent yet, RFC 1350's defaults until options are negotiated.
    public init(id: Int, client: String, file: String, size: Int64?, started: Date) {
        (self.id, self.client, self.file, self.size, self.started) = (id, client, file, size, started)
        (bytes, blockSize, windowSize, state) = (0, 512, 1, "running")
    }
}

/// The read-only view of running and recent transfers that a file service publishes. The HTTP layer
/// depends on this, not on the TFTP service (issue 12: narrow read interfaces).
public protocol TransferListing: Sendable {
    func snapshot() -> (active: [TransferRecord], recent: [TransferRecord])
}
