import Foundation
import Testing
import Timeline

@testable import LeaseStore

/// The event metadata column is written and read by hand (the DHCP writer and the dashboard are hot
/// paths): both directions must agree with a real JSON implementation.
struct MetadataJSONTests {
    let awkward = [
        "syslog.text": "say \"hi\" \\ C:\\ 1\n2\r\t\u{01}\u{1F} é ☎️ 𝄞 /", "": "empty key",
        "tftp.file": "SEP001E7A.cnf.xml", "z": "",
    ]

    @Test func ourOutputIsJSONThatFoundationReadsBack() throws {
        let text = MetadataJSON.encode(awkward)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed == awkward)
        #expect(MetadataJSON.decode(text) == awkward)
        // The typed form writes the same object, keys by raw value (unknown keys included, as `.other`).
        let typed = TimelineEvent(
            time: 0, mac: nil, storedName: "syslog.message", level: "info", storedMetadata: awkward
        ).metadata
        #expect(MetadataJSON.decode(MetadataJSON.encode(typed)) == awkward)
    }

    /// The typed encoder copies catalogue keys without escaping them: a key that needed an escape would
    /// write broken JSON, so adding one must fail here.
    @Test func everyCatalogueKeyIsWrittenAsItIs() throws {
        for key in EventKey.catalogue {
            #expect(MetadataJSON.isPlain(key.rawValue), "\(key.rawValue)")
        }
        #expect(!MetadataJSON.isPlain("a\"b") && !MetadataJSON.isPlain("a\\b") && !MetadataJSON.isPlain("\u{1F}"))
        var metadata = EventMetadata()
        metadata[.dhcp(.xid)] = "0x1"
        metadata[.other("odd \"key\"")] = "v"
        let text = MetadataJSON.encode(metadata)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed == ["dhcp.xid": "0x1", "odd \"key\"": "v"])
    }

    /// The writer sizes its buffer for the worst case and writes through a pointer: random values full of
    /// bytes to escape (control bytes, quotes, backslashes) and multi-byte characters, under catalogue and
    /// unknown keys, must come back whole through Foundation's parser, and an empty object too.
    @Test func randomValuesRoundTripThroughFoundation() throws {
        let alphabet: [Character] = ["a", "\"", "\\", "\u{00}", "\u{1F}", "\n", "\t", "é", "☎️", "𝄞", "/", " "]
        var generator = SystemRandomNumberGenerator()
        #expect(MetadataJSON.encode(EventMetadata()) == "{}")
        for _ in 0..<200 {
            var metadata = EventMetadata()
            var expected: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                let value = String(
                    (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)!
                    })
                let key: EventKey =
                    Bool.random(using: &generator)
                    ? EventKey.catalogue.randomElement(using: &generator)!
                    : .other(String((0..<3).map { _ in alphabet.randomElement(using: &generator)! }))
                metadata[key] = value
                expected[key.rawValue] = value
            }
            let text = MetadataJSON.encode(metadata)
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
            #expect(parsed == expected, "\(text)")
            #expect(MetadataJSON.decode(text) == expected)
            #expect(MetadataJSON.encode(expected).utf8.count == text.utf8.count)
        }
    }

    @Test func readsWhatJSONEncoderWroteBefore() throws {
        // Older rows came from JSONEncoder: `\/`, `\u` escapes and surrogate pairs must all decode.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let old = String(decoding: try encoder.encode(awkward), as: UTF8.self)
        #expect(MetadataJSON.decode(old) == awkward)
        #expect(
            MetadataJSON.decode(#"{"a":"\u00e9\/\ud834\udd1e\b\f","b" : "x" }"#) == ["a": "é/𝄞\u{08}\u{0C}", "b": "x"])
        #expect(MetadataJSON.decode("{}") == [:])
    }

    @Test(arguments: [
        #"{"a":1}"#, #"{"a":"x""#, #"["a"]"#, #"{"a":"\ud834"}"#, #"{"a":"\q"}"#, "{\"a\":\"\u{01}\"}", "",
    ])
    func refusesWhatItDoesNotKnow(_ text: String) {
        #expect(MetadataJSON.decode(text) == nil)
    }
}
