import DialtoneLogging
import Logging
import Synchronization
import Testing

/// Lines under systemd: journald reads the `<N>` priority and stamps the time itself, so a line carries the
/// priority and not our timestamp; off the journal the line keeps its timestamp and has no prefix.
struct JournalStreamTests {
    /// Collects what a handler writes.
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
        var sink: @Sendable (String) -> Void { { line in self.all.withLock { $0.append(line) } } }
    }

    func logged(_ level: Logger.Level, format: LineLogHandler.Format, journal: Bool) -> String {
        let lines = Lines()
        var logger = Logger(label: "t") { label in
            LineLogHandler(label: label, format: format, level: .trace, journal: journal, sink: lines.sink)
        }
        logger.logLevel = .trace
        logger.log(level: level, "dhcp.offer.sent", metadata: ["client.mac": "86:d9:8d:a8:6c:1c"])
        return lines.all.withLock { $0.first ?? "" }
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func textLineStartsWithItsPriorityAndHasNoTimestamp(level: Logger.Level, priority: Int) {
        let line = logged(level, format: .text, journal: true)
        #expect(line == "<\(priority)>\(level.rawValue) dhcp.offer.sent client.mac=86:d9:8d:a8:6c:1c")
    }

    @Test func jsonLineGetsThePriorityPrefixAndKeepsItsTimeKey() {
        let line = logged(.warning, format: .json, journal: true)
        #expect(line.hasPrefix("<4>{"))
        #expect(line.contains("\"time\":\""))
        #expect(line.contains("\"event\":\"dhcp.offer.sent\""))
    }

    @Test func offTheJournalALineStartsWithItsTimestamp() {
        let line = logged(.info, format: .text, journal: false)
        #expect(!line.hasPrefix("<"))
        // 2026-11-26T10:12:59.964Z info dhcp.offer.sent ...
        let fields = line.split(separator: " ")
        #expect(fields.count == 4)
        #expect(fields.first?.count == 24 && fields.first?.hasSuffix("Z") == true)
        #expect(fields.dropFirst().first == "info")
    }

    @Test func journalOnlyWhenStderrIsTheVeryStreamSystemdNamed() {
        #expect(JournalStream.isJournal(variable: "8:12345", stderrDevice: 8, stderrInode: 12345))
        // Inherited by a child whose stderr now goes to a file or a pipe: not the journal.
        #expect(!JournalStream.isJournal(variable: "8:12345", stderrDevice: 8, stderrInode: 999))
        #expect(!JournalStream.isJournal(variable: "9:12345", stderrDevice: 8, stderrInode: 12345))
        #expect(!JournalStream.isJournal(variable: nil, stderrDevice: 8, stderrInode: 12345))
        #expect(!JournalStream.isJournal(variable: "8:12345", stderrDevice: nil, stderrInode: nil))
        for malformed in ["", "8", "8:", ":12345", "a:b", "8:12345:1"] {
            #expect(!JournalStream.isJournal(variable: malformed, stderrDevice: 8, stderrInode: 12345))
        }
    }
}
