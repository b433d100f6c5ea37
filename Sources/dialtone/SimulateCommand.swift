import ArgumentParser
import Foundation
import PhoneSimulator
import Provisioning
import ServiceSupport
import WireSupport

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Phone simulator: a real phone's boot sequence and quirks, against any server.",
        discussion: """
            Recovery mode: DISCOVER with the Cisco vendor class, PRL and 548-byte padding, RFC 2131 retransmits \
            (4-8-16-32-64 s); offers that a strict 7970 ignores are reported with the reason (under 300 bytes, \
            no option 54, no TFTP server, too late). Then termXX.default.loads and every component, then normal \
            boots: CTLSEP/ITLSEP/ITLFile probes, SEP<MAC>.cnf.xml (else XMLDefault.cnf.xml), and the load it \
            names, until the config names the load the phone runs. Normal mode starts at the normal boot.

            The simulator reaches DHCP as a relay agent (giaddr = --relay, default: the address of \
            --interface), so it needs no root and no raw socket; the server must answer relayed requests \
            (dialtone does; dnsmasq does with a dhcp-range for the relay's subnet). Exit 0 when every phone \
            finished without error.

            A relay agent gets the server's replies on the server's port at its relay address, so the \
            simulator needs that port to itself: run it on another host or network namespace than the \
            server. It refuses a relay address whose port another process holds, and names that process.

            Examples:
              dialtone simulate --server 198.18.0.1 --relay 198.18.0.2
              # ten phones at once, relaying from 198.18.0.10 to .19 (all local):
              dialtone simulate --server 198.18.0.1 --relay 198.18.0.10 --count 10 --parallel
            """
    )
    @Option(help: "DHCP server as HOST[:PORT] (port 67 by default).") var server: String
    @Option(help: "TFTP port on the server the DHCP reply names.") var tftpPort: UInt16 = 69
    @Option(help: "Phone model, e.g. CP-7970G, T46G (Yealink) or VVX410 (Polycom).") var model = "CP-7970G"
    @Option(help: "MAC of the first phone (others count up).") var mac = "00:1e:7a:00:00:01"
    @Option(help: "Number of phones.") var count = 1
    @Option(
        help:
            "HTTP port a 78xx/88xx tries for every file before TFTP (enterprise firmware: 6970, the default for those models); 0: TFTP only."
    )
    var httpPort: UInt16?
    @Option(help: "recovery or normal.") var mode: String = "recovery"
    @Option(help: "Interface whose address is used as the relay address.") var interface: String?
    @Option(help: "Relay address (giaddr) to send from; must be local and inside a subnet the server serves.")
    var relay: String?
    @Option(
        help: "The phone's listening window for an OFFER in ms (0 makes it ignore every offer, for testing diagnoses).")
    var listenWindowMs: Int64 = 4000
    @Option(help: "Scale the RFC 2131 retransmit schedule and the reboots (0.05 = twenty times faster).")
    var timeScale = 1.0
    @Option(
        help: "Seconds a phone takes to reboot onto a new image before asking for files again (scaled by --time-scale)."
    )
    var rebootSeconds = 1.0
    @Flag(
        help:
            "Boot every phone at once, one thread each (a boot storm); phone i uses relay address --relay + i, which must be local."
    )
    var parallel = false
    @Flag(
        help:
            "Send TFTP from the leased address (it must be configured on this host), so the server can tell the phones apart."
    )
    var bindLeased = false

    func validate() throws {
        guard rebootSeconds >= 0, timeScale > 0 else {
            throw ValidationError("--reboot-seconds must be >= 0 and --time-scale > 0")
        }
        guard (1...1000).contains(count) else { throw ValidationError("--count must be 1-1000") }
    }

    func run() async throws {
        let parts = server.split(separator: ":")
        guard let serverIP = IPv4Address(String(parts[0])), let port = parts.count == 2 ? UInt16(parts[1]) : 67 else {
            throw ValidationError("--server must be an IPv4 address, optionally with :PORT")
        }
        guard PhoneVendor.of(model: model) != nil else {
            throw ValidationError(
                "unknown model \(model) (Cisco CP-79xx/88xx, Yealink T4x such as T46G, Polycom such as VVX410)")
        }
        guard let simMode = SimulatedPhone.Mode(rawValue: mode) else {
            throw ValidationError("--mode must be recovery or normal")
        }
        guard let first = MACAddress(mac) else { throw ValidationError("--mac is not a MAC address") }
        let relayAddress: IPv4Address
        if let relay, let address = IPv4Address(relay) {
            relayAddress = address
        } else if let interface, let resolved = try? InterfaceResolver.resolve(interface).address {
            relayAddress = resolved
        } else {
            throw ValidationError("give --relay ADDRESS or --interface NAME: the simulator sends as a relay agent")
        }
        let setups = (0..<count).map { index -> SimulatedPhone.Setup in
            var bytes = first.bytes
            let low = (Int(bytes[4]) << 8 | Int(bytes[5])) + index
            bytes[4] = UInt8((low >> 8) & 0xFF)
            bytes[5] = UInt8(low & 0xFF)
            // In parallel every phone needs its own relay address: replies to a shared one would reach
            // only one of the sockets bound to it.
            let relay = parallel ? relayAddress.advanced(by: UInt32(index)) ?? relayAddress : relayAddress
            var setup = SimulatedPhone.Setup(
                mac: MACAddress(bytes: bytes)!, model: model, server: serverIP, dhcpPort: port, relay: relay,
                tftpPort: tftpPort, mode: simMode)
            setup.bindLeasedAddress = bindLeased
            setup.quirks.listeningWindowMilliseconds = listenWindowMs
            setup.timeScale = timeScale
            setup.rebootSeconds = rebootSeconds
            let http = httpPort ?? (PhoneCatalogue.isEnterprise78xx88xx(model) ? 6970 : 0)
            setup.httpPort = http == 0 ? nil : http
            return setup
        }
        let started = Date()
        var reports: [SimulatedPhone.Report] = []
        if parallel {
            reports = await PhoneFleet.run(setups) { index, text in say("[\(setups[index].mac)] \(text)") }
        } else {
            for setup in setups {
                let phone = SimulatedPhone(setup)
                phone.onEvent = { say("[\(setup.mac)] \($0)") }
                reports.append(phone.run())
            }
        }
        var failed = 0
        for report in reports {
            let mac = report.mac
            for rejection in report.rejections { say("[\(mac)] rejected \(rejection)") }
            say(
                String(
                    format: "[%@] %d missing trust-list probes answered, slowest in %.1f ms", mac.description,
                    report.missingProbes, report.slowestMissMilliseconds))
            if let error = report.error {
                say("[\(mac)] FAILED: \(error)")
                failed += 1
            } else {
                say(
                    "[\(mac)] done: \(report.address?.description ?? "-"), loads \(report.loads.joined(separator: " -> ")), \(report.files) files\(report.httpFiles > 0 ? " (\(report.httpFiles) over HTTP)" : "")"
                )
            }
        }
        // One machine-readable summary line (the boot-storm benchmark parses it).
        let times = reports.map(\.seconds).sorted()
        let median = times.isEmpty ? 0 : times[times.count / 2]
        let p95 = times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * 0.95))]
        let offers = reports.compactMap(\.offerLatencyMilliseconds).sorted()
        say(
            String(
                format:
                    "summary: phones=%d done=%d failed=%d rejected_offers=%d wall_s=%.2f phone_median_s=%.2f phone_p95_s=%.2f phone_max_s=%.2f offer_median_ms=%.2f offer_max_ms=%.2f files=%d bytes=%lld",
                reports.count, reports.count - failed, failed, reports.reduce(0) { $0 + $1.rejections.count },
                Date().timeIntervalSince(started),
                median, p95, times.last ?? 0, offers.isEmpty ? 0 : offers[offers.count / 2], offers.last ?? 0,
                reports.reduce(0) { $0 + $1.files }, reports.reduce(Int64(0)) { $0 + $1.bytes }))
        if failed > 0 { throw ExitCode(1) }
    }
}
