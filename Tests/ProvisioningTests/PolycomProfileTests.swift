import Provisioning
import Testing
import WireSupport

/// Polycom UC as data (issue 18): the master and settings files, the master's two attributes, and DHCP.
@Suite struct PolycomProfileTests {
    let phone = MACAddress("00:04:f2:00:10:6c")!

    @Test func namesItAsksFor() {
        #expect(PolycomProfile.file(named: "000000000000.cfg") == .siteMaster)
        #expect(PolycomProfile.file(named: "0004F200106C.cfg") == .master(phone), "either case (SIP 3.1 AG p.A-2)")
        #expect(PolycomProfile.file(named: "0004f200106c-user.cfg") == .user(phone))
        #expect(PolycomProfile.file(named: "0004f200106c-phone.cfg") == nil)
        #expect(PolycomProfile.file(named: "y000000000028.cfg") == nil)
        #expect(PolycomProfile.masterFile(phone) == "0004f200106c.cfg")
        #expect(PolycomProfile.userFile(phone) == "0004f200106c-user.cfg")
        #expect(PolycomProfile.imageFile("3111-46161-001-6.4.6") == "3111-46161-001-6.4.6.sip.ld")
    }

    @Test func readsTheMasterFile() {
        let site = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="[PHONE_MAC_ADDRESS]-user.cfg, common.cfg">
               <APPLICATION_VVX1500 BOOTBLOCK_FILE_PATH_VVX1500="bootblock.ld" />
            </APPLICATION>
            """
        let (application, files) = PolycomProfile.master(site, mac: phone)
        #expect(application == "sip.ld" && files == ["0004f200106c-user.cfg", "common.cfg"])
        #expect(PolycomProfile.master("<APPLICATION />", mac: phone).application == nil)
    }

    @Test func rendersWhatItReads() throws {
        let renderer = try ConfigRenderer()
        let master = renderer.polycomMaster(
            application: "3111-46161-001-6.4.6.sip.ld", configFiles: "0004f200106c-user.cfg")
        #expect(PolycomProfile.master(master, mac: phone).application == "3111-46161-001-6.4.6.sip.ld")
        let user = renderer.polycomUser(mac: "0004f200106c", server: "198.18.0.1")
        #expect(
            user.contains(#"reg.1.server.1.address="198.18.0.1""#)
                && user.contains(#"device.syslog.serverName="198.18.0.1""#))
    }

    @Test func vendorsAreToldApart() {
        #expect(PhoneVendor.of(model: "VVX410") == .polycom && PhoneVendor.of(model: "T46G") == .yealink)
        #expect(PhoneVendor.of(model: "CP-7970G") == .cisco && PhoneVendor.of(model: "X100") == nil)
        // RFC 3925 form: enterprise 13885 (00 00 36 3d), then sub-option 1 "Polycom".
        let option60 = String(decoding: [0, 0, 0x36, 0x3D, 9, 1, 7] + Array("Polycom".utf8), as: UTF8.self)
        #expect(PhoneVendor.of(vendorClass: option60, mac: nil) == .polycom)
        #expect(PhoneVendor.of(vendorClass: nil, mac: MACAddress("64:16:7f:00:00:01")) == .polycom)
        #expect(PhoneVendor.of(vendorClass: nil, mac: MACAddress("00:15:65:00:00:01")) == .yealink)
        #expect(PhoneVendor.of(vendorClass: "Cisco Systems, Inc. IP Phone CP-7970G", mac: nil) == .cisco)
        #expect(PhoneVendor.of(vendorClass: nil, mac: MACAddress("02:00:00:00:00:01")) == nil)
        // Option 55: only the 79xx's is documented (research cisco-provisioning.md §1.1).
        #expect(
            PhoneVendor.of(
                vendorClass: nil, mac: MACAddress("02:00:00:00:00:01"),
                parameterRequestList: [1, 66, 6, 3, 15, 150, 35])
                == .cisco)
        #expect(
            PhoneVendor.of(vendorClass: nil, mac: MACAddress("02:00:00:00:00:01"), parameterRequestList: [1, 3, 6, 15])
                == nil)
    }
}
