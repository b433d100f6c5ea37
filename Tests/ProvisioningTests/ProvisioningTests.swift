import Provisioning
import Testing

@Suite struct ProvisioningTests {
    @Test func loadsFileWithSignedHeaderAndCRLF() {
        let bytes = LoadsFile.synthesize(
            name: "SCCP70.8-5-2S.loads", components: ["jar70sccp.8-5-2.sbn", "cnu70.8-5-2.sbn"])
        let file = LoadsFile(bytes: bytes)
        #expect(file.headerLength % 4 == 0 && file.headerLength > 256)
        #expect(file.signedName == "SCCP70.8-5-2S.loads")
        #expect(file.requiredComponents.map(\.name) == ["jar70sccp.8-5-2.sbn", "cnu70.8-5-2.sbn"])
    }

    @Test func loadsFileVariants() {
        // 7925 style: directives, NAME SIZE MD5 rows, an optional row; LF line ends; no header.
        let text =
            "#? HW_REV 0-2.*\n#? SW_CAP EAP-TLS\nTNUXH-1.4.1SR1.SBN 937841 EBDEF11A57898C6D805DFB86904106FB\n#+ OPT-1.SBN 10 00000000000000000000000000000000\nLA_VERSION=PAS30831\n\n# comment\ndsp70.9-4-2ES26.sbn \n"
        let file = LoadsFile(bytes: Array(text.utf8))
        #expect(file.headerLength == 0 && file.signedName == nil)
        #expect(file.components.map(\.name) == ["TNUXH-1.4.1SR1.SBN", "OPT-1.SBN", "dsp70.9-4-2ES26.sbn"])
        #expect(file.components[0].size == 937841 && file.components[0].md5 == "ebdef11a57898c6d805dfb86904106fb")
        #expect(file.components[1].optional && file.requiredComponents.count == 2)
        #expect(file.directives == ["#? HW_REV 0-2.*", "#? SW_CAP EAP-TLS", "LA_VERSION=PAS30831"])
    }

    @Test func catalogue() {
        #expect(PhoneCatalogue.model(vendorClass: "Cisco Systems, Inc. IP Phone CP-7970G")?.termName == "term70")
        #expect(PhoneCatalogue.model(vendorClass: "Cisco Systems, Inc. IP Phone CP-7941G-GE")?.deviceTypeID == 309)
        #expect(PhoneCatalogue.models(forTermName: "TERM70").map(\.name) == ["CP-7970G"])
        #expect(PhoneCatalogue.model(named: "cp-7970g")?.deviceTypeID == 30006)
    }

    @Test func ladderAdvancesOnlyWithEveryFile() {
        let ladder = UpgradeLadder(
            steps: ["TERM70.7-0-2-0S", "SCCP70.8-2-2SR1S", "SIP70.9-2-1S"], target: "SCCP70.8-2-2SR1S")
        let parts = ["TERM70.7-0-2-0S": ["a.sbn", "b.sbn"], "SCCP70.8-2-2SR1S": ["c.sbn"]]
        var state = PhoneState(mac: "00:1e:7a:25:54:a1", model: "CP-7970G")
        #expect(ladder.load(for: state) == "TERM70.7-0-2-0S")
        #expect(
            ladder.configRequested(&state, components: { parts[$0] }, now: 1) == nil, "a fresh phone just gets step 1")
        ladder.fileFetched("term70.default.loads", state: &state, aliasOf: "TERM70.7-0-2-0S")
        ladder.fileFetched("A.sbn", state: &state)
        #expect(
            ladder.configRequested(&state, components: { parts[$0] }, now: 2)
                == .waiting(load: "TERM70.7-0-2-0S", missing: ["b.sbn"]))
        ladder.fileFetched("b.sbn", state: &state)
        #expect(
            ladder.configRequested(&state, components: { parts[$0] }, now: 3)
                == .advanced(from: "TERM70.7-0-2-0S", to: "SCCP70.8-2-2SR1S"))
        ladder.fileFetched("SCCP70.8-2-2SR1S.loads", state: &state)
        ladder.fileFetched("c.sbn", state: &state)
        #expect(
            ladder.configRequested(&state, components: { parts[$0] }, now: 4) == .reachedTarget("SCCP70.8-2-2SR1S"),
            "target_load stops the climb")
        #expect(ladder.load(for: state) == "SCCP70.8-2-2SR1S")
    }

    @Test func badJumps() {
        #expect(
            UpgradeLadder.badJumps(["TERM70.7-0-2-0S", "SCCP70.8-2-2SR1S", "SCCP70.8-5-2S", "SIP70.9-2-1S"]).isEmpty)
        #expect(UpgradeLadder.badJumps(["SCCP70.8-2-2SR1S", "SCCP70.8-5-4S"]).count == 1)
        #expect(
            UpgradeLadder.badJumps(["TERM70.7-0-2-0S", "SIP70.9-2-1S"]).first?.contains("must not jump past 8.5(2)")
                == true)
        #expect(UpgradeLadder.version("SCCP70.8-5-4S") == [8, 5, 4])
        #expect(UpgradeLadder.version("TERM70.7-0-2-0S") == [7, 0, 2, 0])
    }

    @Test func rendering() throws {
        let renderer = try ConfigRenderer()
        let sccp = renderer.device(mac: "001E7A2554A1", load: "SCCP70.8-5-2S", server: "198.18.0.1", versionStamp: "2")
        #expect(
            sccp.contains("<deviceProtocol>SCCP</deviceProtocol>")
                && sccp.contains("<loadInformation>SCCP70.8-5-2S</loadInformation>"))
        #expect(sccp.contains("<processNodeName>198.18.0.1</processNodeName>"))
        let sip = renderer.device(mac: "001E7A2554A1", load: "SIP70.9-2-1S", server: "198.18.0.1", versionStamp: "4")
        #expect(sip.contains("<deviceProtocol>SIP</deviceProtocol>"))
        let defaults = renderer.defaults(
            loads: [(30006, "TERM70.7-0-2-0S"), (115, "SCCP41.8-5-2S")], server: "198.18.0.1")
        #expect(defaults.contains("<loadInformation115 model=\"\">SCCP41.8-5-2S</loadInformation115>"))
        #expect(defaults.contains("<loadInformation30006 model=\"\">TERM70.7-0-2-0S</loadInformation30006>"))
        let custom = try ConfigRenderer(
            sccp: "<device><loadInformation>{{load}}</loadInformation><mac>{{mac}}</mac></device>")
        #expect(
            custom.device(mac: "X", load: "L", server: "s", versionStamp: "1")
                == "<device><loadInformation>L</loadInformation><mac>X</mac></device>")
    }
}
