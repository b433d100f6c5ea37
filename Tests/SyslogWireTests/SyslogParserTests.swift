import SyslogWire
import Testing

@Suite struct SyslogParserTests {
    func parse(_ text: String) -> SyslogMessage { SyslogParser.parse(Array(text.utf8)) }

    @Test func rfc5424Example() {
        // RFC 5424 §6.5 example 1 (with the BOM dropped from this literal, tested separately).
        let m = parse(
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8"
        )
        #expect(
            m
                == SyslogMessage(
                    format: .rfc5424, facility: 4, severity: 2, timestamp: "2003-10-11T22:14:15.003Z",
                    hostname: "mymachine.example.com", appName: "su", processID: nil, messageID: "ID47",
                    message: "'su root' failed for lonvick on /dev/pts/8"))
        #expect(m.facilityName == "auth" && m.severityName == "crit")
    }

    @Test func rfc5424StructuredDataAndBOM() {
        let m = parse(
            "<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventID=\"1011\"][examplePriority@32473 class=\"high\"] \u{FEFF}An application event"
        )
        #expect(
            m.structuredData == "[exampleSDID@32473 iut=\"3\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]")
        #expect(m.message == "An application event")
        let escaped = parse("<13>1 - - app - - [id k=\"a\\]b\"] msg")
        #expect(escaped.structuredData == "[id k=\"a\\]b\"]" && escaped.message == "msg")
        #expect(parse("<13>1 - - - - - -").message == "")
    }

    @Test func rfc3164() {
        // RFC 3164 §5.4 example, and what util-linux `logger --rfc3164` sends.
        let m = parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")
        #expect(
            m.format == .rfc3164 && m.timestamp == "Oct 11 22:14:15" && m.hostname == "mymachine" && m.appName == "su")
        #expect(m.message == "'su root' failed for lonvick on /dev/pts/8")
        let logger = parse("<13>Nov 26 03:10:01 lab root[4242]: hello from logger\n")
        #expect(logger.appName == "root" && logger.processID == "4242" && logger.message == "hello from logger")
    }

    @Test func realDeviceOddities() {
        // Cisco IP phones: "<PRI>seq: text", no timestamp or host.
        let phone = parse("<187>12: SEP001E7A2554A1: Load: TFTP timeout reading SIP70.9-2-1S.loads")
        #expect(phone.facility == 23 && phone.severity == 3)
        #expect(
            phone.appName == "12" && phone.message == "SEP001E7A2554A1: Load: TFTP timeout reading SIP70.9-2-1S.loads")
        let noPri = parse("just text\r\n\0")
        #expect(noPri == SyslogMessage(format: .unstructured, message: "just text"))
        #expect(parse("<999>too big").format == .unstructured)
        #expect(parse("<013>leading zero").format == .unstructured)
        #expect(parse("<>").format == .unstructured)
        #expect(parse("<0>").severity == 0)
        #expect(SyslogParser.parse([0xFF, 0xFE, 0x3C]).format == .unstructured, "invalid UTF-8 never traps")
    }
}
