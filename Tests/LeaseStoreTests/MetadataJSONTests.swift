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
