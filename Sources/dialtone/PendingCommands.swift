import ArgumentParser

// Commands of the contract (docs/cli.md) whose capability belongs to an open issue. Each has its real help
// text and options, and exits 2 saying what is missing, never printing made-up output.

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Provision a local lab of simulated Cisco phones end to end (no root, no config).",
        discussion: """
            Starts a server on loopback with high ports, a temporary TFTP root holding a synthetic Cisco
            firmware bundle, and N simulated CP-7970G phones that go through recovery and a staged upgrade;
            prints live progress and a final table. Needs the simulator (issue #6).
            """
    )
    @Option(help: "Number of simulated phones.") var phones = 20
    @Flag(help: "Leave the dashboard running after the phones finish.") var keepRunning = false
    func run() throws { throw notImplemented("`dialtone demo` (simulated phones and the demo lab)", issue: 6) }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell the story of one device: DHCP exchanges, files requested, phase and diagnosis.",
        discussion: "Reads the server's store; works while the server runs and after it stopped. Exit 1 when a finding is an error."
    )
    @Argument(help: "The device's MAC address, in any notation.") var mac: String
    @OptionGroup var configOption: ConfigOption
    func run() throws { throw notImplemented("`dialtone explain` (device timelines and diagnoses)", issue: 7) }
}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Phone simulator: the boot sequence and quirks of a real phone, against any server.",
        discussion: "Recovery mode: DISCOVER with the Cisco vendor class, then termXX.default.loads and every component. Normal mode: CTL/ITL probes, SEP<MAC>.cnf.xml, the load."
    )
    @Option(help: "DHCP/TFTP server as HOST[:PORT].") var server: String
    @Option(help: "Phone model, e.g. CP-7970G.") var model = "CP-7970G"
    @Option(help: "MAC of the first phone (others count up).") var mac: String?
    @Option(help: "Number of phones.") var count = 1
    @Option(help: "recovery or normal.") var mode = "recovery"
    @Option(help: "Interface to send DHCP on.") var interface: String?
    func run() throws { throw notImplemented("`dialtone simulate` (the phone simulator)", issue: 6) }
}
