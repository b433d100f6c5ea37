import DHCPServerCore
import DialtoneConfig
import Foundation
import LeaseStore
import Logging
import ProvisioningShell
import ServiceSupport
import TFTPCore
import Testing
import WireSupport

/// The Yealink files the provider generates (issue 18), and a T46G climbing its two-image path from what it
/// downloads, as a real phone's TFTP requests drive it.
struct YealinkProvisioningTests {
    let phone = MACAddress("00:15:65:4a:a9:37")!
    let address = IPv4Address("198.18.0.40")!
    let steps = ["T46-28.83.0.50", "T46-28.86.0.20"]

    func provider(devices: [PhonesConfiguration.Device] = []) throws -> (ProvisioningProvider, DeviceDirectory) {
        let logger = Logger(label: "test")
        let directory = DeviceDirectory()
        directory.record(
            Lease(ip: address, mac: phone, clientID: nil, hostname: nil, state: .bound, expires: .max, updated: 0))
        let config = PhonesConfiguration(
            defaultLoads: ["CP-7970G": "TERM70.7-0-2-0S"],
            upgradePaths: ["CP-7970G": ["TERM70.7-0-2-0S"], "T46G": steps], devices: devices, configTemplates: nil)
        let provider = try ProvisioningProvider(
            config: config, disk: ProvisioningReloadTests.NoFiles(),
            writer: StoreWriter(store: InMemoryLeaseStore(), logger: logger), directory: directory,
            serverAddress: "198.18.0.1", logger: logger)
        return (provider, directory)
    }

    func text(_ provider: ProvisioningProvider, _ name: String) throws -> String? {
        guard let file = try provider.open([name]) else { return nil }
        return String(decoding: file.read(0, Int(file.size)), as: UTF8.self)
    }

    @Test func aT46GClimbsItsPathFromWhatItDownloads() throws {
        let (provider, _) = try provider()
        let common = try #require(try text(provider, "y000000000028.cfg"))
        #expect(common.contains("Yealink T46G"))
        provider.transferFinished(client: "\(address)", file: "y000000000028.cfg", completed: true)
        #expect(provider.state(for: phone)?.model == "T46G", "the common file it asked for names its model")

        #expect(
            try text(provider, "0015654aa937.cfg")?.contains(
                "static.firmware.url = tftp://198.18.0.1/T46-28.83.0.50.rom") == true)
        provider.transferFinished(client: "\(address)", file: "T46-28.83.0.50.rom", completed: true)
        #expect(try text(provider, "0015654aa937.cfg")?.contains("/T46-28.86.0.20.rom") == true)
        #expect(provider.state(for: phone)?.step == 1)
        provider.transferFinished(client: "\(address)", file: "T46-28.86.0.20.rom", completed: true)
        #expect(try text(provider, "0015654aa937.cfg")?.contains("/T46-28.86.0.20.rom") == true, "the last step stays")
    }

    @Test func anUnknownHardwareAndOtherVendorsFilesAreNotOurs() throws {
        let (provider, _) = try provider()
        #expect(try provider.open(["y000000000001.cfg"]) == nil)
        // Polycom's master file, and a Polycom's own file (OUI 00:04:f2): not Yealink's to answer.
        #expect(try provider.open(["000000000000.cfg"]) == nil)
        #expect(try provider.open(["0004f2112233.cfg"]) == nil)
    }

    @Test func aConfiguredDeviceNeedsNoEvidence() throws {
        let printer = MACAddress("02:00:00:00:00:09")!
        let (provider, _) = try provider(devices: [.init(mac: printer, model: "T46G", targetLoad: "T46-28.83.0.50")])
        let config = try #require(try text(provider, "020000000009.cfg"))
        #expect(config.contains("/T46-28.83.0.50.rom"))
    }
}
