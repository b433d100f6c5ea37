import ArgumentParser
import ConfigLoader
import DialtoneConfig
import DialtoneLogging
import Logging

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (YAML).", valueName: "file"))
    var config: String = "./dialtone.yaml"

    /// Loads and validates the config, or prints every error and exits 2.
    func load() throws -> DialtoneConfiguration {
        do {
            return try ConfigLoader.load(path: config)
        } catch {
            for e in error.errors { printError(e.description) }
            printError(
                "dialtone: \(error.errors.count) error\(error.errors.count == 1 ? "" : "s") in \(config); nothing started."
            )
            throw ExitCode(2)
        }
    }
}

struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log line format: text or json (one JSON object per line).")
    var logFormat: LineLogHandler.Format = .text

    @Option(name: .long, help: "Lowest level logged: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    func bootstrap() { Self.bootstrap(format: logFormat, level: logLevel, liveLevel: logLevel) }

    /// Console lines at `level`, and the dashboard's live log at `liveLevel` through `liveLog`. `serve`
    /// uses one level for both: the live log shows what the log shows, and `--log-level warning` keeps the
    /// per-packet cost off the DHCP path under load (the engine builds no event metadata then).
    /// Under systemd (stderr is journald's stream) lines carry a `<N>` priority and no timestamp of ours.
    static func bootstrap(format: LineLogHandler.Format, level: Logger.Level, liveLevel: Logger.Level) {
        let journal = JournalStream.stderrIsJournal()
        LoggingSystem.bootstrap { label in
            MultiplexLogHandler([
                LineLogHandler(label: label, format: format, level: level, journal: journal),
                HubLogHandler(label: label, level: liveLevel, hub: liveLog),
            ])
        }
    }
}

extension LineLogHandler.Format: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The process's live log, served at `GET /api/events`.
let liveLog = EventHub()
