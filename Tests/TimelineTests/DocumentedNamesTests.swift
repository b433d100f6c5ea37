import Foundation
import Testing
import Timeline

/// docs/cli.md's "Event names" list is what admins grep their logs for: it must name every event the
/// server can log, so a name added to a catalogue without a line in the docs fails here.
struct DocumentedNamesTests {
    @Test func cliDocsListEveryEventName() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("docs/cli.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let names = EventName.catalogue.map(\.rawValue) + ServerEventName.allCases.map(\.rawValue)
        let missing = names.filter { !text.contains("`\($0)`") }
        #expect(missing.isEmpty, "docs/cli.md does not list \(missing)")
    }
}
