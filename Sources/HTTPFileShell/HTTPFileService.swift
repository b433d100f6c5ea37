import DialtoneConfig
import DialtoneLogging
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import ServiceSupport
import TFTPCore
import Timeline

/// The HTTP file service (`http:`, issue 16): the TFTP root, its generated configs and its default-load
/// aliases over HTTP/1.1 on every `http.listen` address (Cisco phones try port 6970 before TFTP; UEFI HTTP
/// Boot and iPXE fetch images by URL). GET and HEAD only; no directory listings, no writes.
public struct HTTPFileService: Service {
    let config: HTTPConfiguration
    /// The TFTP service's providers in force: read per request, so a reload of `tftp.root` or `phones`
    /// reaches HTTP at once, and the two protocols never serve different files for one name.
    let providers: @Sendable () -> [any TFTPFileProvider]
    public let fetches: HTTPFetches
    let logger: Logger

    public init(
        config: HTTPConfiguration, providers: @escaping @Sendable () -> [any TFTPFileProvider], fetches: HTTPFetches,
        logger: Logger
    ) {
        (self.config, self.providers, self.fetches, self.logger) = (config, providers, fetches, logger)
    }

    public func run() async throws {
        let responder = HTTPFileResponder(providers: providers, fetches: fetches, logger: logger)
        // Hummingbird's own lines (one per request) would double ours: it logs at warning and above only.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let applications = config.listen.map { address in
            Application(
                responder: CallbackResponder<FileRequestContext> { request, context in
                    try await responder.respond(to: request, client: context.remoteAddress)
                },
                configuration: .init(address: .hostname(address.host, port: Int(address.port)), serverName: "dialtone"),
                logger: quiet)
        }
        logger.log(.info, .httpStarted, [.server(.httpListen): config.listen.map(\.description).joined(separator: ",")])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (application, address) in zip(applications, config.listen) {
                group.addTask {
                    do {
                        try await application.run()
                    } catch {
                        throw PortInUse.check(
                            error, service: "http", address: address.description, port: Int(address.port),
                            transport: .tcp)
                    }
                }
            }
            // One listener failing (its port taken) stops the service, and `serve` with it.
            _ = try await group.next()
            group.cancelAll()
        }
        logger.log(.info, .httpStopped)
    }
}

/// The request context: Hummingbird's core storage and the peer's address, which ties a fetch to the device
/// holding the lease for that address.
struct FileRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
