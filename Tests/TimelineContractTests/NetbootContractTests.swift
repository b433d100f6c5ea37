import DHCPServerCore
import DHCPWire
import Diagnostics
import DialtoneConfig
import TFTPCore
import Testing
import Timeline
import WireSupport

/// Issue 16 end to end: the core's boot decision reaches the timeline as `dhcp.boot_file` and `dhcp.file`,
/// the TFTP machine's probe as `tftp.transfer.probed`, and Diagnosis reads a boot loop from them.
struct NetbootContractTests {
    let pc = MACAddress("52:54:00:12:34:56")!
    let clock: (Int64) -> String = { "t\($0)" }

    /// A subnet that gives iPXE its own binary again (no ipxe_script): iPXE boots, asks, gets undionly.kpxe.
    func exchanges() -> Exchanges {
        var exchanges = Exchanges()
        let subnet = SubnetConfiguration(
            subnet: IPv4Subnet("192.168.10.0/24")!, pools: [IPv4Range("192.168.10.20-192.168.10.40")!],
            leaseTime: .seconds(43200), routers: [], dnsServers: [], domainName: nil, ntpServers: [],
            tftpServers: [], tftpServerName: nil, nextServer: nil, bootFile: "undionly.kpxe", options: [],
            reservations: [])
        exchanges.dhcp = DHCPServer(
            config: DHCPConfiguration(
                interfaces: ["eth1"], port: 67, clientPort: 68, authoritative: true, conflictCheck: .off,
                subnets: [subnet], classes: []),
            servesTFTP: true, leases: [])
        return exchanges
    }

    @Test func iPXEGivenItsOwnBinaryLoopsAndDiagnosisNamesIt() throws {
        var exchanges = exchanges()
        let binary = TFTPFile(
            bytes: Array(repeating: 0x55, count: 3000),
            origin: .disk(path: "/srv/tftp/undionly.kpxe", caseMatched: false))
        for boot in 0..<3 {
            let t = Int64(boot) * 15_000
            var discover = Exchanges.message(.discover, mac: pc, xid: UInt32(boot))
            discover.options.set(.userClass, Array("iPXE".utf8))
            let offered = exchanges.handle(discover, at: t)
            let offer = try #require(offered)
            var request = Exchanges.message(
                .request, mac: pc, xid: UInt32(boot), requested: offer.yiaddr, serverID: Exchanges.ours)
            request.options.set(.userClass, Array("iPXE".utf8))
            #expect(exchanges.handle(request, at: t + 10)?.messageType == .ack)
            exchanges.probe("undionly.kpxe", by: pc, file: binary, at: t + 100)
            exchanges.read("undionly.kpxe", by: pc, file: binary, at: t + 200)
        }
        let timeline = exchanges.timeline(of: pc)
        #expect(timeline.filter { $0.name == .tftp(.transferProbed) }.count == 3)
        let findings = Diagnosis.findings(timeline, clock: clock)
        #expect(findings.map(\.title) == ["boot loop: undionly.kpxe fetched 3 times"], "a probe is no failure")
        let finding = try #require(findings.first)
        #expect(finding.evidence[0] == "undionly.kpxe downloaded 3 times in 30 s, nothing else fetched")
        #expect(finding.evidence[1] == "our last reply: option 67 undionly.kpxe, file field undionly.kpxe")
        #expect(DevicePhase.of(timeline) == "tftp: undionly.kpxe")
    }
}
