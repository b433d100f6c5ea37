import Foundation
import Testing

/// The purity rule (scripts/check-purity) as a unit test, so `swift test` alone catches a pure target that
/// imports Foundation, reads a clock or depends on a shell target in Package.swift.
@Suite struct PurityRuleTests {
    @Test func pureTargetsStayPure() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/check-purity").path]
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("check-purity: ok"))
    }
}
