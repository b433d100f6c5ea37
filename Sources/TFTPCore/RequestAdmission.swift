import TFTPWire

/// What a request on the listening port gets (RFC 1350 §4), as a pure decision in two steps around the only
/// I/O: the shell resolves the path and opens the file in between, and reserves a transfer slot after.
/// Refusals are ERRORs sent at once, never silence: a phone probing CTL/ITL files must move on in
/// milliseconds (research cisco-provisioning.md).
public struct RequestAdmission: Sendable {
    public enum Direction: Sendable { case read, write }

    /// What the look-up found for the request's path.
    public enum Lookup: Hashable, Sendable {
        /// Read: a provider has the file. Write: the file exists (`existing`) or can be created.
        case found
        case missing
        case existing
        case creatable
        /// Write: the target directory does not take a new file.
        case notCreatable(directory: String)
    }

    public enum Decision: Hashable, Sendable {
        case read
        case write
        case refuse(TFTPOpenError)
    }

    /// `tftp.allow_write`, `tftp.allow_overwrite`, `tftp.max_transfers`.
    public let allowWrite: Bool, allowOverwrite: Bool, maxTransfers: Int

    public init(allowWrite: Bool, allowOverwrite: Bool, maxTransfers: Int) {
        (self.allowWrite, self.allowOverwrite, self.maxTransfers) = (allowWrite, allowOverwrite, maxTransfers)
    }

    /// Step 1, before anything is opened: the mode, the path, and whether writes are served at all. Returns
    /// the path's components (TFTPPath: no `..`, no absolute escape) to look up.
    public func admit(_ request: TFTPRequest, _ direction: Direction) -> Result<[String], TFTPOpenError> {
        // RFC 1350 §5: "mail" is obsolete; anything else is not a mode at all.
        guard request.mode == "octet" || request.mode == "netascii" else {
            return .failure(TFTPOpenError(code: 0, message: "mode \(request.mode) is not supported (octet, netascii)"))
        }
        let components: [String]
        do {
            components = try TFTPPath.components(of: request.filename)
        } catch {
            return .failure(TFTPOpenError(code: 2, message: "access violation: \(error)"))
        }
        if direction == .write, !allowWrite {
            return .failure(TFTPOpenError(code: 2, message: "writes are disabled on this server (tftp.allow_write)"))
        }
        return .success(components)
    }

    /// Step 2, after the look-up: the transfer, or why not. `running` is the number of transfers under way.
    public func decide(_ direction: Direction, lookup: Lookup, running: Int) -> Decision {
        switch (direction, lookup) {
        case (.read, .missing), (.read, .creatable), (.read, .notCreatable):
            return .refuse(.fileNotFound)
        case (.write, .existing) where !allowOverwrite:
            return .refuse(TFTPOpenError(code: 6, message: "File already exists"))
        case (.write, .notCreatable(let directory)):
            return .refuse(TFTPOpenError(code: 2, message: "cannot create a file in \(directory)"))
        case (.write, .missing):
            return .refuse(TFTPOpenError(code: 2, message: "no such directory"))
        default:
            guard running < maxTransfers else { return .refuse(busy) }
            return direction == .read ? .read : .write
        }
    }

    /// Also the answer when the slot is taken between `decide` and the reservation (another listener won).
    public var busy: TFTPOpenError {
        TFTPOpenError(code: 0, message: "server busy (\(maxTransfers) transfers running), retry later")
    }
}
