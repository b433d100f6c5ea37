import Foundation
import Logging

/// How lines look when stderr goes to journald (a `systemd` service's default). journald stamps every
/// line itself, so our own timestamp would only be printed twice (`journalctl` shows both); and it reads a
/// leading `<N>` as the line's syslog priority (sd-daemon(3), `SyslogLevelPrefix=` on by default), which
/// gives `journalctl -p warning` and the colours something to work with. Off the journal nothing changes.
public enum JournalStream {
    /// Whether stderr is the journal stream systemd set up. systemd exports `JOURNAL_STREAM=DEVICE:INODE`
    /// of that stream; a child whose stderr was redirected elsewhere inherits the variable, so it only
    /// counts when stderr is still that very file (systemd.exec(5) asks services to compare them).
    public static func isJournal(variable: String?, stderrDevice: UInt64?, stderrInode: UInt64?) -> Bool {
        guard let variable, let stderrDevice, let stderrInode else { return false }
        let parts = variable.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        return device == stderrDevice && inode == stderrInode
    }

    /// The check on this process: `JOURNAL_STREAM` against fstat(2) of file descriptor 2.
    public static func stderrIsJournal() -> Bool {
        var info = stat()
        let known = fstat(2, &info) == 0
        return isJournal(
            variable: ProcessInfo.processInfo.environment["JOURNAL_STREAM"],
            stderrDevice: known ? UInt64(info.st_dev) : nil, stderrInode: known ? UInt64(info.st_ino) : nil)
    }

    /// The syslog priority (RFC 5424 severity) journald files a line under. swift-log has no "alert" or
    /// "emergency", and its trace is finer than syslog's debug, so both ends fold in.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
