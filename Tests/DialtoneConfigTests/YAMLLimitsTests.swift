import ConfigLoader
import DialtoneConfig
import Foundation
import Testing

/// The `config` fuzz target's crasher: 4.6 KB of `{` overflowed the stack in Yams' recursive composer and
/// killed `check` (or a server reloading). Such a file is now refused with its line, as is a file whose
/// aliases expand into millions of nodes.
@Suite struct YAMLLimitsTests: ConfigTextLoading {
    @Test func deepFlowNestingIsRefusedWithItsLine() {
        let yaml = "dhcp:\n  interfaces: [eth1]\n  subnets: " + String(repeating: "[", count: 5000) + "\n"
        #expect(
            errors(yaml) == [
                "x.yaml:3:74: collections nest deeper than 64 levels; a config needs a few"
            ])
    }

    /// Both crashers, as the fuzzer wrote them: the second starts with a byte-order mark, and measured
    /// without Yams' explicit UTF-8 encoding the same text parsed differently (a syntax error at line 3),
    /// passed the check and overflowed Yams again. A regression here crashes the test process.
    @Test(arguments: ["crasher-deep-nesting", "crasher-deep-nesting-bom"])
    func theFuzzersCrashersAreRefused(_ name: String) throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FuzzTesting/Corpus/config/\(name)")
        let text = String(decoding: try Data(contentsOf: corpus), as: UTF8.self)
        #expect(errors(text).first?.contains("nest deeper than 64 levels") == true)
    }

    /// The fuzzer's slow input: complex keys (`? `) holding sequences of mappings. Each was named in its error
    /// by its reflected description (megabytes), and the suggestion's edit distance ran over that text.
    @Test func collectionKeysAreNamedShortly() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FuzzTesting/Corpus/config/slow-collection-keys")
        let found = errors(String(decoding: try Data(contentsOf: corpus), as: UTF8.self))
        #expect(!found.isEmpty && found.allSatisfy { $0.count < 400 })
        #expect(errors("? [a, b]\n: 1\n").first?.contains("(a sequence used as a key)") == true)
    }

    @Test func deepBlockNestingIsRefusedToo() {
        var yaml = ""
        for level in 0..<300 { yaml += String(repeating: " ", count: level) + "k\(level):\n" }
        #expect(errors(yaml).first?.contains("nest deeper than 64 levels") == true)
    }

    @Test func nestedAliasesThatExpandToBillionsAreRefused() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            yaml +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        #expect(errors(yaml).first?.contains("more than 1000000 nodes once its aliases are expanded") == true)
    }

    @Test func aFewAliasesAndAnOrdinaryDepthStillLoad() throws {
        let yaml = """
            dhcp:
              interfaces: [eth1]
              subnets:
                - subnet: 198.18.0.0/24
                  pools: ["198.18.0.10-198.18.0.20"]
                  options: &phone_options
                    - { code: 150, type: ipv4-list, value: [198.18.0.1] }
                - subnet: 198.18.1.0/24
                  pools: ["198.18.1.10-198.18.1.20"]
                  options: *phone_options
            """
        let config = try ConfigLoader.load(yaml: yaml, file: "x.yaml")
        #expect(config.dhcp?.subnets.map(\.options.count) == [1, 1])
    }
}
