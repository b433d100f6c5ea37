import ConfigLoader
import DialtoneConfig
import Foundation
import Testing

@Suite struct ExampleConfigTests {
    /// The shipped, commented example must always validate, with every key it documents.
    @Test func shippedExampleValidates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("examples/dialtone.yaml").path
        let config = try ConfigLoader.load(path: path)
        let dhcp = try #require(config.dhcp)
        #expect(dhcp.subnets.first?.tftpServers.first?.description == "192.168.10.100")
        #expect(dhcp.classes.first?.broadcast == .always)
        #expect(config.phones?.upgradePaths["CP-7970G"]?.count == 4)
        #expect(config.tftp?.root.hasSuffix("examples/./tftp-root") == true)
        #expect(config.tftp?.maxWindowSize == 64)
        #expect(config.stateDirectory.hasSuffix("examples/./dialtone-state"))
    }
}
