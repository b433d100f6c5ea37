import ArgumentParser
import Foundation
import PeerImport

/// `dialtone config`: for now, `import` another server's configuration.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with configuration files.",
        discussion: """
            Examples:
              dialtone config import --from dnsmasq /etc/dnsmasq.conf --output dialtone.yaml
            """,
        subcommands: [ConfigImportCommand.self])
}

struct ConfigImportCommand: ParsableCommand {
    enum Source: String, ExpressibleByArgument, CaseIterable { case dnsmasq, tftpd32 }

    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Translate a dnsmasq or Tftpd32 DHCP setup into Dialtone YAML.",
        discussion: """
            dnsmasq: interface, dhcp-authoritative, domain, dhcp-range, dhcp-host, dhcp-option (names such as \
            option:router and numeric codes), dhcp-boot, enable-tftp with tftp-root. Tftpd32: the [DHCP] \
            section of tftpd32.ini (IP_Pool, PoolSize, Mask, Gateway, DNS, DNS2, WINS, Domain, BootFile, \
            Lease (minutes), AddOptionNumberN/AddOptionValueN). Tftpd32's custom options go out as text; \
            Dialtone types them (150 becomes a binary address list, as phones expect).

            The YAML goes to standard output (or --output, which is never overwritten). Whatever could not \
            be carried over is printed on standard error as `note:` lines, each with the source line, and \
            repeated as comments at the top of the YAML. Check the result with `dialtone check`.

            Examples:
              dialtone config import --from dnsmasq /etc/dnsmasq.conf > dialtone.yaml
              dialtone config import --from tftpd32 tftpd32.ini --output dialtone.yaml && dialtone check --config dialtone.yaml
            """)

    @Option(help: "What the file is: dnsmasq or tftpd32.") var from: Source
    @Argument(help: ArgumentHelp("The configuration file to translate.", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("Write the YAML here (must not exist yet).", valueName: "file")) var output: String?

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            printError(
                "dialtone: \(file): cannot be read (\(FileManager.default.fileExists(atPath: file) ? "permissions or encoding" : "does not exist"))"
            )
            throw ExitCode(2)
        }
        let config =
            from == .dnsmasq ? DnsmasqConfig.translate(text, file: file) : Tftpd32Config.translate(text, file: file)
        let yaml = ConfigYAMLWriter.yaml(config, source: "\(from.rawValue) \(file)")
        for note in config.notes { printError("note: \(note)") }
        guard let output else {
            print(yaml, terminator: "")
            return
        }
        guard !FileManager.default.fileExists(atPath: output) else {
            printError("dialtone: \(output) already exists; remove it or choose another --output")
            throw ExitCode(2)
        }
        do {
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: output), options: .withoutOverwriting)
        } catch {
            printError("dialtone: \(output): cannot be written: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        printError("wrote \(output) (\(config.notes.count) note\(config.notes.count == 1 ? "" : "s") above)")
    }
}
