import DialtoneConfig
import Foundation
import LeaseStore
import Logging
import ProvisioningShell
import ServiceSupport
import TFTPCore
import Testing
import WireSupport

/// A reload of `phones:` (ProvisioningProvider.reconfigure): the next generated file follows the new
/// section, a phone's ladder step survives it, and a template that does not compile changes nothing.
struct ProvisioningReloadTests {
    /// An empty TFTP root: every file here is generated.
    struct NoFiles: TFTPFileProvider {
        func open(_ components: [String]) throws(TFTPOpenError) -> TFTPFile? { nil }
    }

    static let phone = MACAddress("00:1e:7a:25:54:a1")!

    static func phones(defaultLoad: String, templates: String? = nil) -> PhonesConfiguration {
        PhonesConfiguration(
            defaultLoads: ["CP-7970G": defaultLoad],
            upgradePaths: ["CP-7970G": ["TERM70.7-0-2-0S", "SCCP70.8-5-2S"]],
            devices: [.init(mac: phone, model: "CP-7970G", targetLoad: nil)], configTemplates: templates)
    }

    func provider(_ config: PhonesConfiguration) throws -> ProvisioningProvider {
        let logger = Logger(label: "test")
        return try ProvisioningProvider(
            config: config, disk: NoFiles(), writer: StoreWriter(store: InMemoryLeaseStore(), logger: logger),
            directory: DeviceDirectory(), serverAddress: "198.18.0.1", logger: logger)
    }

    func text(_ provider: ProvisioningProvider, _ name: String) throws -> String {
        let file = try #require(try provider.open([name]))
        return String(decoding: file.read(0, Int(file.size)), as: UTF8.self)
    }

    @Test func theNextXMLDefaultFollowsTheNewDefaultLoad() throws {
        let provider = try provider(Self.phones(defaultLoad: "TERM70.7-0-2-0S"))
        #expect(try text(provider, "XMLDefault.cnf.xml").contains(">TERM70.7-0-2-0S<"))
        try provider.reconfigure(config: Self.phones(defaultLoad: "SCCP70.8-5-2S"), disk: NoFiles())
        let after = try text(provider, "XMLDefault.cnf.xml")
        #expect(after.contains(">SCCP70.8-5-2S<"))
        #expect(!after.contains(">TERM70.7-0-2-0S<"))
    }

    @Test func aPhonesLadderStepSurvivesTheReload() throws {
        let provider = try provider(Self.phones(defaultLoad: "TERM70.7-0-2-0S"))
        _ = try text(provider, "SEP001E7A2554A1.cnf.xml")
        let before = try #require(provider.state(for: Self.phone))
        try provider.reconfigure(config: Self.phones(defaultLoad: "SCCP70.8-5-2S"), disk: NoFiles())
        #expect(provider.state(for: Self.phone) == before)
    }

    @Test func aTemplateThatDoesNotCompileIsRefusedAndTheOldSectionStays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dialtone-templates-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{#unclosed}}".write(
            to: folder.appendingPathComponent("xmldefault.cnf.xml.mustache"), atomically: true, encoding: .utf8)
        let provider = try provider(Self.phones(defaultLoad: "TERM70.7-0-2-0S"))
        #expect(throws: (any Error).self) {
            try provider.reconfigure(
                config: Self.phones(defaultLoad: "SCCP70.8-5-2S", templates: folder.path), disk: NoFiles())
        }
        #expect(try text(provider, "XMLDefault.cnf.xml").contains(">TERM70.7-0-2-0S<"))
    }
}
