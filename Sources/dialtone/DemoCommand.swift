import ArgumentParser
import ConfigLoader
import DialtoneLogging
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import PhoneSimulator
import Provisioning
import ServiceLifecycle
import WireSupport

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Provision a local lab of simulated phones end to end (no root, no config).",
        discussion: """
            Starts DHCP and TFTP on loopback with high ports, a temporary TFTP root holding a synthetic \
            CP-7970G firmware bundle (signed-format .loads with fake signatures, components scaled down), and \
            N simulated phones. Each phone comes out of a factory reset: DISCOVER through a relay address \
            (127.0.0.2, 127.0.0.3, ...), term70.default.loads and its components, then normal boots climbing \
            the four-step ladder TERM70.7-0-2-0S -> SCCP70.8-2-2SR1S -> SCCP70.8-5-2S -> SIP70.9-2-1S, and \
            sends one syslog line when done. --models mixes vendors: a Yealink T46G reads y000000000028.cfg and \
            its own <mac>.cfg and climbs two .rom images; a Polycom VVX410 reads its <mac>.cfg master file and \
            <mac>-user.cfg and climbs two .sip.ld images; a CP-8851 boots normally (no recovery file), probes \
            AppDialRules.xml too, tries HTTP on 6970 before TFTP, and climbs two sip88xx loads. \
            Progress is printed as it happens, then a table. Exit 0 when every phone reached its last load.

            Examples:
              dialtone demo
              dialtone demo --phones 100 --keep-running   # then open the URL it prints
              dialtone demo --phones 8 --models CP-7970G,CP-8851,T46G,VVX410
            """
    )
    @Option(help: "Number of simulated phones (1-250).") var phones = 20
    @Option(
        help: ArgumentHelp(
            "Phone models, comma-separated, given to the phones in turn: CP-7970G, CP-8851, T46G (Yealink), VVX410 (Polycom).",
            valueName: "models"))
    var models = "CP-7970G"
    @Flag(help: "Keep the servers and the dashboard running after the phones finish, until Ctrl-C.") var keepRunning =
        false

    func validate() throws {
        guard (1...250).contains(phones) else {
            throw ValidationError("--phones must be 1-250 (one relay address each, 127.0.0.2 up)")
        }
        for model in modelList where Self.ladder(for: model) == nil {
            throw ValidationError(
                "--models: the demo has firmware for CP-7970G, CP-8851, T46G and VVX410, not \(model)")
        }
    }

    var modelList: [String] { models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    /// The staged path the demo's bundle holds for a model.
    static func ladder(for model: String) -> [String]? {
        switch model.uppercased() {
        case "CP-7970G": MakeBundleCommand.ladder
        case "CP-8851": MakeBundleCommand.cisco88xxLadder
        case "T46G": MakeBundleCommand.yealinkLadder
        case "VVX410": MakeBundleCommand.polycomLadder
        default: nil
        }
    }

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dialtone-demo-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try MakeBundleCommand.write(to: work + "/tftp-root", componentSize: 48_000)
        let dhcpPort = UInt16.random(in: 20_000...40_000)
        let tftpPort = dhcpPort + 1
        let webPort = dhcpPort + 2
        let syslogPort = dhcpPort + 3
        let httpPort = dhcpPort + 4
        let yaml = """
            state_dir: \(work)/state
            dhcp:
              interfaces: [lo]
              port: \(dhcpPort)
              watch_other_servers: false
              subnets:
                - subnet: 127.0.0.0/8
                  pools: ["127.1.0.1-127.1.3.254"]
                  lease_time: 1h
            tftp:
              root: \(work)/tftp-root
              listen: ["127.0.0.1:\(tftpPort)"]
            web:
              listen: "127.0.0.1:\(webPort)"
            http:
              listen: ["127.0.0.1:\(httpPort)"]
            syslog:
              listen: ["127.0.0.1:\(syslogPort)"]
              file: \(work)/state/syslog.log
            phones:
              default_loads: { CP-7970G: TERM70.7-0-2-0S }
              upgrade_paths:
                CP-7970G: [\(MakeBundleCommand.ladder.joined(separator: ", "))]
                CP-8851: [\(MakeBundleCommand.cisco88xxLadder.joined(separator: ", "))]
                T46G: [\(MakeBundleCommand.yealinkLadder.joined(separator: ", "))]
                VVX410: [\(MakeBundleCommand.polycomLadder.joined(separator: ", "))]
            """
        let config = try ConfigLoader.load(yaml: yaml, file: "demo")
        // The terminal shows progress, not log lines; the dashboard's Log tab gets everything from info up.
        LoggingOptions.bootstrap(format: .text, level: .warning, liveLevel: .info)
        let logger = Logger(label: "dialtone")
        let group = ServiceGroup(
            configuration: .init(
                services: try ServiceAssembly.services(for: config, sharesDHCPPortInProcess: true, logger: logger)
                    .services.map {
                        .init(service: $0)
                    },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        say(
            "Dialtone demo: DHCP on lo port \(dhcpPort), syslog on 127.0.0.1:\(syslogPort), TFTP on 127.0.0.1:\(tftpPort) and HTTP on 127.0.0.1:\(httpPort), root \(work)/tftp-root"
        )
        say("Dashboard: http://127.0.0.1:\(webPort)/")
        let fleet = (0..<phones).map { modelList[$0 % modelList.count] }
        for model in Set(fleet).sorted() {
            say(
                "\(fleet.filter { $0 == model }.count) simulated \(model) phones, after a factory reset, climbing \(Self.ladder(for: model)!.joined(separator: " -> "))"
            )
        }
        say()
        let keep = keepRunning
        async let served: Void = group.run()
        try await Task.sleep(for: .milliseconds(500))
        let reports = await Self.runPhones(fleet, dhcpPort: dhcpPort, tftpPort: tftpPort, syslogPort: syslogPort)
        Self.printTable(reports, fleet: fleet)
        if keep {
            say()
            say(
                "Servers keep running (Ctrl-C to stop). Dashboard: http://127.0.0.1:\(webPort)/  State: \(work)/state"
            )
        } else {
            await group.triggerGracefulShutdown()
        }
        try await served
        let done = zip(reports, fleet).filter { $0.loads.last == Self.ladder(for: $1)?.last && $0.error == nil }.count
        if done != reports.count { throw ExitCode(1) }
    }

    static func runPhones(_ fleet: [String], dhcpPort: UInt16, tftpPort: UInt16, syslogPort: UInt16) async
        -> [SimulatedPhone.Report]
    {
        let setups = fleet.enumerated().map { index, model in
            // Each vendor's own OUI: Cisco 00:1e:7a, Yealink 00:15:65 (the server tells them apart by it too).
            let oui: [UInt8] =
                YealinkProfile.isModel(model)
                ? [0x00, 0x15, 0x65] : PolycomProfile.isModel(model) ? [0x00, 0x04, 0xF2] : [0x00, 0x1E, 0x7A]
            let mac = MACAddress(bytes: oui + [0x00, UInt8(index / 256), UInt8(index % 256 + 1)])!
            var setup = SimulatedPhone.Setup(
                mac: mac, model: model, server: IPv4Address(127, 0, 0, 1), dhcpPort: dhcpPort,
                relay: IPv4Address(127, 0, 0, UInt8(2 + index)), tftpPort: tftpPort,
                // An 88xx has no termXX recovery file: it boots normally on what it runs.
                mode: PhoneCatalogue.model(named: model)?.termName == nil ? .normal : .recovery)
            setup.timeScale = 0.05
            setup.rebootSeconds = 5  // 0.25 s once scaled
            setup.bindLeasedAddress = true
            setup.syslogPort = syslogPort
            // A 78xx/88xx fetches over HTTP first: the demo's HTTP file service serves the same root.
            if PhoneCatalogue.isEnterprise78xx88xx(model) { setup.httpPort = dhcpPort + 4 }
            setup.sharesServerPort = true
            return setup
        }
        let labels = setups.enumerated().map {
            String(format: "phone %03d %@", $0.offset + 1, $0.element.mac.description)
        }
        let reports = await PhoneFleet.run(setups) { index, text in say("[\(labels[index])] \(text)") }
        for (index, report) in reports.enumerated() {
            if let error = report.error { say("[\(labels[index])] FAILED: \(error)") }
        }
        return reports
    }

    static func printTable(_ reports: [SimulatedPhone.Report], fleet: [String]) {
        say()
        say("MAC                IP             OFFER ms  LOADS  FILES  BYTES      MISS ms  RESULT")
        for r in reports {
            let result = r.error.map { "FAILED: \($0)" } ?? (r.loads.last ?? "-")
            let ip = (r.address?.description ?? "-").padding(toLength: 13, withPad: " ", startingAt: 0)
            say(
                r.mac.description + "  " + ip
                    + String(
                        format: "  %8.2f  %5d  %5d  %9lld  %7.1f  ", r.offerLatencyMilliseconds ?? 0,
                        r.loads.count, r.files, r.bytes, r.slowestMissMilliseconds) + result)
        }
        let lasts = Set(fleet.compactMap { Self.ladder(for: $0)?.last })
        let ok = zip(reports, fleet).filter { $0.error == nil && $0.loads.last == Self.ladder(for: $1)?.last }.count
        let rejected = reports.reduce(0) { $0 + $1.rejections.count }
        say()
        say(
            "\(ok)/\(reports.count) phones reached \(lasts.sorted().joined(separator: " or ")); offers rejected: \(rejected); "
                + "slowest missing-file answer: \(String(format: "%.1f", reports.map(\.slowestMissMilliseconds).max() ?? 0)) ms"
        )
    }
}

/// One line to stdout, unbuffered: progress must appear as it happens even when stdout is a file or a pipe.
/// Lines carry text from the wire (server replies, file names, lease hostnames): control and direction
/// characters are made visible (VisibleText.line), so none ends the line or reaches the terminal (issue 14).
func say(_ text: String = "") {
    FileHandle.standardOutput.write(Data((VisibleText.line(text) + "\n").utf8))
}
