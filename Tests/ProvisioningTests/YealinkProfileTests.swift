import Provisioning
import Testing
import WireSupport

/// Yealink T4x as data (issue 18): the names its phones ask for, how DHCP shows one, what its configs say.
@Suite struct YealinkProfileTests {
    let phone = MACAddress("00:15:65:4a:a9:37")!

    @Test func commonFilesPadTheHardwareIDToTwelveDigits() {
        #expect(YealinkProfile.commonFile(model: "T46G") == "y000000000028.cfg")
        #expect(YealinkProfile.commonFile(model: "t48g") == "y000000000035.cfg")
        #expect(YealinkProfile.commonFile(model: "T46U") == "y000000000108.cfg")
        #expect(YealinkProfile.commonFile(model: "CP-7970G") == nil)
        #expect(YealinkProfile.deviceFile(phone) == "0015654aa937.cfg")
        #expect(YealinkProfile.bootFiles(phone) == ["0015654aa937.boot", "y000000000000.boot"])
    }

    @Test(arguments: [
        ("y000000000028.cfg", YealinkProfile.File.common(hardwareID: 28)),
        ("Y000000000108.CFG", .common(hardwareID: 108)),
        ("0015654aa937.cfg", .device(MACAddress("00:15:65:4a:a9:37")!)),
        ("0015654AA937.cfg", .device(MACAddress("00:15:65:4a:a9:37")!)),
    ])
    func readsTheNamesItAsksFor(name: String, file: YealinkProfile.File) {
        #expect(YealinkProfile.file(named: name) == file)
    }

    @Test(arguments: ["000000000000.cfg", "y00000000028.cfg", "SEP001E7A2554A1.cnf.xml", "0015654aa937.boot", "x.cfg"])
    func leavesOtherNamesAlone(name: String) {
        #expect(YealinkProfile.file(named: name) == nil)
    }

    @Test func theSSeriesSharesNoIDButTheTableNamesEachModel() {
        #expect(YealinkProfile.models(hardwareID: 28) == ["T46G"])
        #expect(YealinkProfile.models(hardwareID: 66) == ["T46S"])
        #expect(YealinkProfile.models(hardwareID: 1).isEmpty)
    }

    @Test func dhcpShowsAYealinkByOption60OrOUI() {
        #expect(YealinkProfile.matches(vendorClass: "yealink", mac: nil))
        #expect(YealinkProfile.matches(vendorClass: nil, mac: MACAddress("80:5e:c0:00:00:01")))
        #expect(
            !YealinkProfile.matches(
                vendorClass: "Cisco Systems, Inc. IP Phone CP-7970G", mac: MACAddress("00:1e:7a:00:00:01")))
        #expect(YealinkProfile.model(vendorClass: "yealink SIP-T46G") == "T46G")
        #expect(YealinkProfile.model(vendorClass: "yealink") == nil)
    }

    @Test func theFirmwareAConfigNames() {
        #expect(
            YealinkProfile.firmware(
                inConfig: "#!version:1.0.0.1\nstatic.firmware.url = tftp://198.18.0.1/T46-28.86.0.20.rom\n")
                == "T46-28.86.0.20.rom")
        #expect(YealinkProfile.firmware(inConfig: "firmware.url=http://x/fw/28.83.0.50.rom") == "28.83.0.50.rom")
        #expect(YealinkProfile.firmware(inConfig: "#!version:1.0.0.1\naccount.1.enable = 1\n") == nil)
    }

    @Test func generatedConfigsStartWithTheVersionHeaderAndNameTheStep() throws {
        let renderer = try ConfigRenderer()
        let common = renderer.yealinkCommon(hardwareID: 28, models: ["T46G"], server: "198.18.0.1")
        #expect(common.hasPrefix("#!version:1.0.0.1\n"), "Yealink requires it on the first line")
        #expect(common.contains("static.syslog.server = 198.18.0.1"))
        let device = renderer.yealinkDevice(mac: "0015654aa937", firmware: "T46-28.86.0.20.rom", server: "198.18.0.1")
        #expect(device.hasPrefix("#!version:1.0.0.1\n"))
        #expect(YealinkProfile.firmware(inConfig: device) == "T46-28.86.0.20.rom")
        let keep = renderer.yealinkDevice(mac: "0015654aa937", firmware: nil, server: "198.18.0.1")
        #expect(YealinkProfile.firmware(inConfig: keep) == nil, "no ladder: the phone keeps its image")
    }

    @Test func aYealinkStepIsDoneWhenItsImageWasFetched() {
        let ladder = UpgradeLadder(steps: ["T46-28.83.0.50", "T46-28.86.0.20"], images: .singleFile(suffix: ".rom"))
        var state = PhoneState(mac: "00:15:65:4a:a9:37", model: "T46G")
        #expect(ladder.configRequested(&state, components: { _ in nil }, now: 1) == nil, "first boot: fetches step 1")
        ladder.fileFetched("T46-28.83.0.50.rom", state: &state)
        #expect(
            ladder.configRequested(&state, components: { _ in nil }, now: 2)
                == .advanced(from: "T46-28.83.0.50", to: "T46-28.86.0.20"))
        ladder.fileFetched("t46-28.86.0.20.ROM", state: &state)
        #expect(ladder.configRequested(&state, components: { _ in nil }, now: 3) == .reachedTarget("T46-28.86.0.20"))
    }
}
