import TFTPCore
import TFTPWire
import Testing

/// Request admission as a table: mode, path, what the look-up found, how busy the server is -> what the
/// request gets. Each row is a refusal a phone or an admin has met, or the transfer it should have got.
@Suite struct RequestAdmissionTests {
    let policy = RequestAdmission(allowWrite: true, allowOverwrite: false, maxTransfers: 2)

    struct Row: Sendable, CustomTestStringConvertible {
        var mode = "octet"
        var path = "SEP001E7A2554A1.cnf.xml"
        var direction: RequestAdmission.Direction = .read
        var lookup: RequestAdmission.Lookup = .found
        var running = 0
        var allowWrite = true
        var expected: RequestAdmission.Decision
        var testDescription: String { "\(direction) \(mode) \(path) \(lookup) running=\(running) -> \(expected)" }
    }

    static let rows: [Row] = [
        Row(expected: .read),
        Row(mode: "netascii", expected: .read),
        Row(
            mode: "mail",
            expected: .refuse(TFTPOpenError(code: 0, message: "mode mail is not supported (octet, netascii)"))),
        Row(lookup: .missing, expected: .refuse(TFTPOpenError(code: 1, message: "File not found"))),
        Row(
            running: 2,
            expected: .refuse(TFTPOpenError(code: 0, message: "server busy (2 transfers running), retry later"))),
        // A missing file is "not found" even when busy: the phone's CTL/ITL probes must fail fast, not retry.
        Row(lookup: .missing, running: 2, expected: .refuse(TFTPOpenError(code: 1, message: "File not found"))),
        Row(direction: .write, lookup: .creatable, expected: .write),
        Row(
            direction: .write, lookup: .existing,
            expected: .refuse(TFTPOpenError(code: 6, message: "File already exists"))),
        Row(
            direction: .write, lookup: .notCreatable(directory: "/srv/tftp/ro"),
            expected: .refuse(TFTPOpenError(code: 2, message: "cannot create a file in /srv/tftp/ro"))),
        Row(
            direction: .write, lookup: .creatable, running: 2,
            expected: .refuse(TFTPOpenError(code: 0, message: "server busy (2 transfers running), retry later"))),
        Row(
            direction: .write, lookup: .creatable, allowWrite: false,
            expected: .refuse(TFTPOpenError(code: 2, message: "writes are disabled on this server (tftp.allow_write)"))),
    ]

    @Test(arguments: rows) func decision(_ row: Row) {
        let admission = RequestAdmission(
            allowWrite: row.allowWrite, allowOverwrite: policy.allowOverwrite, maxTransfers: policy.maxTransfers)
        let request = TFTPRequest(filename: row.path, mode: row.mode)
        switch admission.admit(request, row.direction) {
        case .failure(let refusal):
            #expect(.refuse(refusal) == row.expected)
        case .success(let components):
            #expect(components == row.path.split(separator: "/").map(String.init))
            #expect(admission.decide(row.direction, lookup: row.lookup, running: row.running) == row.expected)
        }
    }

    @Test(arguments: ["../etc/passwd", "a/../../b", ""]) func pathsOutsideTheRootAreAccessViolations(_ path: String)
        throws
    {
        guard case .failure(let refusal) = policy.admit(TFTPRequest(filename: path, mode: "octet"), .read) else {
            Issue.record("\(path) was admitted")
            return
        }
        #expect(refusal.code == 2 && refusal.message.hasPrefix("access violation"))
    }

    @Test func overwriteAllowedWritesOverAnExistingFile() {
        let admission = RequestAdmission(allowWrite: true, allowOverwrite: true, maxTransfers: 2)
        #expect(admission.decide(.write, lookup: .existing, running: 0) == .write)
    }
}
