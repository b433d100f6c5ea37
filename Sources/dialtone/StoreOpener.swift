import ArgumentParser
import DialtoneConfig
import Foundation
import LeaseStore
import Logging
import PostgresStore

/// Opens the store a config names (`store.kind`): the SQLite file in `state_dir`, or the PostgreSQL
/// database several servers share. Every command that reads or writes leases and history comes through
/// here, so `leases`, `explain` and `serve` always look at the same place.
enum StoreOpener {
    static func sqlitePath(_ config: DialtoneConfiguration) -> String { config.stateDirectory + "/dialtone.sqlite" }

    /// This server's name in a shared store: `store.server_name`, else the host name.
    static func serverName(_ config: DialtoneConfiguration) -> String {
        config.store.serverName ?? ProcessInfo.processInfo.hostName
    }

    /// The store, or nil when it is SQLite and the file does not exist yet and `create` is false (a reading
    /// command before the server ever ran). A database that cannot be reached exits 2 with the reason.
    static func open(_ config: DialtoneConfiguration, create: Bool, logger: Logger? = nil) throws -> (any Store)? {
        switch config.store.kind {
        case .sqlite:
            let path = sqlitePath(config)
            guard create || FileManager.default.fileExists(atPath: path) else { return nil }
            return try SQLiteLeaseStore(path: path)
        case .postgres:
            do {
                let url = try PostgresURL(config.store.url ?? "", passwordFile: config.store.passwordFile)
                return try PostgresStore(
                    url: url, poolSize: config.store.poolSize,
                    connectTimeout: .milliseconds(config.store.connectTimeout.milliseconds),
                    serverName: serverName(config), logger: logger ?? Logger(label: "dialtone.store"))
            } catch {
                printError("\(config.sourceFile): store: \(error)")
                throw ExitCode(2)
            }
        }
    }
}
