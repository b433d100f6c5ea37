import Foundation
import PostgresNIO

/// `store.url` and `store.password_file` turned into postgres-nio's client configuration. The URL is libpq's
/// form (postgresql.org/docs/15/libpq-connect.html, "Connection URIs"), the subset an admin writes:
/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require][&host=/run/postgresql]`.
/// A `host` query parameter that is a path names the directory of a Unix socket, as libpq's does.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String?
    public var port: Int
    public var socketDirectory: String?
    public var database: String
    public enum TLSMode: String, Sendable { case disable, prefer, require }
    public var tls: TLSMode

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String, passwordFile: String? = nil) throws {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw Invalid(
                description: "store.url: expected postgres://user@host/database, found `\(Self.redacted(text))`")
        }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
        user = url.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        port = url.port ?? Int(query["port"] ?? "") ?? 5432
        if let path = query["host"], path.hasPrefix("/") {
            socketDirectory = path
        } else {
            host = (url.host?.isEmpty == false ? url.host : nil) ?? query["host"]
        }
        if host == nil, socketDirectory == nil { socketDirectory = "/var/run/postgresql" }
        database = String(url.path.drop { $0 == "/" })
        if database.isEmpty { database = user }
        let mode = query["sslmode"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw Invalid(description: "store.url: sslmode must be disable, prefer or require, found `\(mode)`")
        }
        self.tls = tls
        if let passwordFile {
            do {
                let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
            } catch {
                throw Invalid(
                    description: "store.password_file: cannot read \(passwordFile): \(error.localizedDescription)")
            }
        }
    }

    /// Where the server is, for messages (never the password).
    public var description: String {
        let place = socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host ?? "?"):\(port)"
        return "postgres \(user)@\(place)/\(database)"
    }

    static func redacted(_ text: String) -> String {
        guard let at = text.firstIndex(of: "@"), let colon = text[..<at].lastIndex(of: ":"),
            text[..<colon].contains("//")
        else { return text }
        return String(text[...colon]) + "***" + String(text[at...])
    }

    func clientConfiguration(poolSize: Int, connectTimeout: Duration) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(.makeClientConfiguration())
            case .require: mode = .require(.makeClientConfiguration())
            }
            configuration = .init(
                host: host ?? "127.0.0.1", port: port, username: user, password: password, database: database,
                tls: mode)
        }
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }
}
