import Testing
import Timeline

/// The dashboard's phase column, from hand-built timelines (newest first, as the store returns them).
struct DevicePhaseTests {
    func event(_ time: Int64, _ name: EventName, _ metadata: EventMetadata = [:]) -> TimelineEvent {
        TimelineEvent(time: time, mac: nil, name: name, level: .info, metadata: metadata)
    }

    @Test func syslogLinesDoNotChangeThePhase() {
        #expect(DevicePhase.of([event(2, .syslog(.message)), event(1, .phone(.upgradeDone))]) == "provisioned")
        #expect(DevicePhase.of([event(1, .syslog(.message))]) == "logging")
        #expect(DevicePhase.of([]) == "unknown")
    }

    @Test func theNewestEventNamesThePhase() {
        #expect(DevicePhase.of([event(2, .dhcp(.offerSent)), event(1, .dhcp(.ackSent))]) == "dhcp: offered")
        #expect(DevicePhase.of([event(1, .dhcp(.ackSent))]) == "dhcp: bound")
        #expect(DevicePhase.of([event(1, .dhcp(.nakSent))]) == "dhcp: refused")
        #expect(
            DevicePhase.of([event(1, .tftp(.requestRefused), [.tftp(.file): "CTLSEP001E7A2554A1.tlv"])])
                == "tftp: CTLSEP001E7A2554A1.tlv")
        #expect(
            DevicePhase.of([event(1, .http(.transferCompleted), [.http(.file): "/SEP001E7A2554A1.cnf.xml"])])
                == "http: /SEP001E7A2554A1.cnf.xml")
        #expect(
            DevicePhase.of([event(1, .phone(.upgradeAdvanced), [.phone(.to): "SCCP70.8-5-2S"])])
                == "upgrading to SCCP70.8-5-2S")
        #expect(DevicePhase.of([event(1, .phone(.upgradeWaiting))]) == "waiting for files")
        // Names without a phase of their own show as themselves, as before; so do rows of another version.
        #expect(DevicePhase.of([event(1, .dhcp(.declineReceived))]) == "dhcp.decline.received")
        #expect(DevicePhase.of([event(1, .other("dhcp.offer.renamed"))]) == "dhcp.offer.renamed")
    }

    /// A phone told "done" fetches its config and more files in the same boot: still provisioned, until it
    /// starts DHCP again.
    @Test func provisioningOutranksTheTFTPTrafficAfterIt() {
        let boot = [
            event(3, .tftp(.transferCompleted), [.tftp(.file): "SEP001E7A2554A1.cnf.xml"]),
            event(2, .phone(.upgradeDone)), event(1, .dhcp(.ackSent)),
        ]
        #expect(DevicePhase.of(boot) == "provisioned")
        #expect(DevicePhase.of([event(4, .dhcp(.offerSent))] + boot) == "dhcp: offered")
    }
}
