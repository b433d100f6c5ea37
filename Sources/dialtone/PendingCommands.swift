import ArgumentParser

// Commands of the contract (docs/cli.md) whose capability belongs to an open issue. Each has its real help
// text and options, and exits 2 saying what is missing, never printing made-up output.

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

