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
        // A Polycom's own `<mac>.cfg` (OUI 00:04:f2) is its master file, not a Yealink config.
        #expect(try text(provider, "0004f2112233.cfg")?.contains("<APPLICATION APP_FILE_PATH=") == true)
        // A device of no known vendor: File not found.
        #expect(try provider.open(["020000000077.cfg"]) == nil)
    }

    @Test func aConfiguredDeviceNeedsNoEvidence() throws {
        let printer = MACAddress("02:00:00:00:00:09")!
        let (provider, _) = try provider(devices: [.init(mac: printer, model: "T46G", targetLoad: "T46-28.83.0.50")])
        let config = try #require(try text(provider, "020000000009.cfg"))
        #expect(config.contains("/T46-28.83.0.50.rom"))
    }
}

/// A Polycom VVX 410 on the same provider: its `<mac>.cfg` is its master file, naming the image of its
/// ladder step; the step moves on once it fetched that image.
struct PolycomProvisioningTests {
    let phone = MACAddress("00:04:f2:00:10:6c")!
    let address = IPv4Address("198.18.0.41")!

    @Test func aVVX410ClimbsItsApplicationImages() throws {
        let logger = Logger(label: "test")
        let directory = DeviceDirectory()
        directory.record(
            Lease(ip: address, mac: phone, clientID: nil, hostname: nil, state: .bound, expires: .max, updated: 0))
        let config = PhonesConfiguration(
            defaultLoads: [:], upgradePaths: ["VVX410": ["3111-46161-001-5.9.0", "3111-46161-001-6.4.6"]],
            devices: [], configTemplates: nil)
        let provider = try ProvisioningProvider(
            config: config, disk: ProvisioningReloadTests.NoFiles(),
            writer: StoreWriter(store: InMemoryLeaseStore(), logger: logger), directory: directory,
            serverAddress: "198.18.0.1", logger: logger)
        func master() throws -> String {
            let file = try #require(try provider.open(["0004f200106c.cfg"]))
            return String(decoding: file.read(0, Int(file.size)), as: UTF8.self)
        }
        #expect(
            try master().contains(#"APP_FILE_PATH="3111-46161-001-5.9.0.sip.ld" CONFIG_FILES="0004f200106c-user.cfg""#))
        provider.transferFinished(client: "\(address)", file: "3111-46161-001-5.9.0.sip.ld", completed: true)
        #expect(try master().contains(#"APP_FILE_PATH="3111-46161-001-6.4.6.sip.ld""#))
        #expect(provider.state(for: phone)?.model == "VVX410")
        let site = try #require(try provider.open(["000000000000.cfg"]))
        #expect(String(decoding: site.read(0, Int(site.size)), as: UTF8.self).contains("[PHONE_MAC_ADDRESS]-user.cfg"))
    }
}

/// A Cisco known only by its option 55 (no option 60) in a mixed site gets the one Cisco path configured.
struct CiscoByRequestListProvisioningTests {
    @Test func theOnlyCiscoPathForAPhoneKnownByItsRequestList() throws {
        let logger = Logger(label: "test")
        let phone = MACAddress("02:00:00:00:79:70")!
        let directory = DeviceDirectory()
        directory.recordParameterRequestList([1, 66, 6, 3, 15, 150, 35], for: phone)
        let config = PhonesConfiguration(
            defaultLoads: [:],
            upgradePaths: ["CP-7970G": ["TERM70.7-0-2-0S", "SIP70.9-2-1S"], "T46G": ["T46-28.83.0.50"]],
            devices: [], configTemplates: nil)
        let provider = try ProvisioningProvider(
            config: config, disk: ProvisioningReloadTests.NoFiles(),
            writer: StoreWriter(store: InMemoryLeaseStore(), logger: logger), directory: directory,
            serverAddress: "198.18.0.1", logger: logger)
        let file = try #require(try provider.open(["SEP020000007970.cnf.xml"]))
        let text = String(decoding: file.read(0, Int(file.size)), as: UTF8.self)
        #expect(text.contains("<loadInformation>TERM70.7-0-2-0S</loadInformation>"))
    }
}
