import Testing
import WireSupport

/// Issue 14: nothing from the wire is written as text without its control characters made visible.
@Suite struct VisibleTextTests {
    @Test(arguments: [
        ("boot: ok", "boot: ok"),
        ("line one\nforged line", "line one#012forged line"),
        ("tab\there", "tab#011here"),
        ("\u{1B}[2Jclear", "#033[2Jclear"),
        ("del\u{7F} c1\u{9B}", "del#177 c1#233"),
        ("100# é ☎️ \u{FFFD}", "100# é ☎️ \u{FFFD}"),
        ("nul\u{0}", "nul#000"),
        ("evil\u{202E}gpj.exe", "evil#342#200#256gpj.exe"),
    ])
    func rsyslogEscapesEveryControlCharacter(_ pair: (String, String)) {
        #expect(VisibleText.rsyslog(pair.0) == pair.1)
        #expect(!VisibleText.rsyslog(pair.0).unicodeScalars.contains(where: VisibleText.isControl))
        #expect(!VisibleText.rsyslog(pair.0).unicodeScalars.contains(where: VisibleText.isInvisibleFormat))
    }

    @Test func backslashFormIsReversibleAndSingleLine() {
        let hostile = "a\"b\\c\nd\re\tf\u{1B}g"
        let escaped = VisibleText.escaped(hostile)
        #expect(escaped == #"a\"b\\c\nd\re\tf\u{1B}g"#)
        #expect(!escaped.unicodeScalars.contains(where: VisibleText.isControl))
    }
}
