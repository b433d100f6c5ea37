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
        #expect(config.http?.listen.map(\.description) == ["0.0.0.0:6970", "0.0.0.0:8080"])
        #expect(config.stateDirectory.hasSuffix("examples/./dialtone-state"))
    }
}

/// A reservation's `client_id` as docs/configuration.md writes it: hex pairs of any length, else text.
@Suite struct ClientIDReservationTests {
    func clientID(_ value: String) throws -> [UInt8]? {
        let yaml = """
            dhcp:
              interfaces: [eth1]
              subnets:
                - subnet: 192.168.10.0/24
                  reservations:
                    - { client_id: "\(value)", ip: 192.168.10.50 }
            """
        return try ConfigLoader.load(yaml: yaml, file: "x.yaml").dhcp?.subnets.first?.reservations.first?.clientID
    }

    @Test func typeOneClientIDOfSevenBytesIsHex() throws {
        #expect(try clientID("01:00:1e:7a:25:54:a1") == [0x01, 0x00, 0x1E, 0x7A, 0x25, 0x54, 0xA1])
    }

    @Test func textStaysText() throws {
        #expect(try clientID("lobby-phone") == Array("lobby-phone".utf8))
        #expect(try clientID("01:zz") == Array("01:zz".utf8))
    }
}
