import ArgumentParser
import Foundation
import WireSupport

/// `dialtone`: one program for DHCP, TFTP, syslog and SNTP provisioning.
@main
struct Dialtone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dialtone",
        abstract: "Network provisioning server: DHCP, TFTP, syslog and SNTP in one program.",
        discussion: """
            Dialtone gives IP phones (Cisco CP-7970G first) and netbooting devices an address, their \
            configuration and their firmware on the first try, and tells you why when a device does not.

            Start with `dialtone check --config dialtone.yaml`, then `dialtone serve --config dialtone.yaml`. \
            A commented example of every key is in examples/dialtone.yaml.

            Exit codes: 0 ok; 1 the command ran and found problems (check, explain); 2 bad usage or \
            invalid configuration (the message names file, line, key and what is wrong; nothing starts).

            Examples:
              dialtone demo                      # simulated phones: no root, no config
              dialtone check --config dialtone.yaml
              sudo dialtone serve --config dialtone.yaml
              dialtone explain 00:1e:7a:25:54:a1 --config dialtone.yaml
              dialtone help simulate             # each command's own help
            """,
        version: "dialtone \(BuildInfo.version) (commit \(BuildInfo.commit))",
        subcommands: [
            ServeCommand.self, DemoCommand.self, CheckCommand.self, ExplainCommand.self, ForgetCommand.self,
            LeasesCommand.self,
            ConfigCommand.self, TFTPCommand.self, SimulateCommand.self, StoreProbeCommand.self, MakeBundleCommand.self,
        ]
    )

    /// ArgumentParser exits 64 on usage errors; the contract (docs/cli.md) says 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if let serve = command as? ServeCommand {
                // Before the first `await`: the only thread is this one, so the privilege switch covers the
                // whole process (PrivilegeDrop).
                let prepared = try serve.prepare()
                try await serve.serve(prepared)
            } else if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Prints one line to stderr. Messages name hostnames, file names, TFTP errors and lease-file entries that
/// came from the wire: control and direction characters are made visible (VisibleText.line), so none can end
/// the line or reach the terminal as an escape sequence (issue 14).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((VisibleText.line(text) + "\n").utf8))
}
