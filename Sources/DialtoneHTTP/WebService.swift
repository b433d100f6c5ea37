import DHCPServerCore
import DialtoneConfig
import DialtoneLogging
import Foundation
import Hummingbird
import LeaseStore
import Logging
import Prometheus
import ServiceLifecycle
import ServiceSupport
import Timeline
import WireSupport

/// The HTTP API and dashboard (`web:`), on Hummingbird. Read-only views of the store and of the running
/// transfers, and the live log. `web.token` is required when set (bearer, login cookie or `?token=`: see
/// TokenMiddleware); the config refuses a listen address beyond loopback without one.
public struct WebService: Service {
    let config: WebConfiguration
    let store: any Store
    /// Whether the store answers: `/healthz` says 503 with the reason when it does not (issue 13).
    let health: StoreHealth?
    let transfers: (any TransferListing)?
    let registry: PrometheusCollectorRegistry?
    let liveLog: EventHub?
    /// The DHCP section in force (a reload may replace it), for pool usage (`/api/pools`); nil when DHCP is off.
    let dhcp: @Sendable () -> DHCPConfiguration?
    /// Forgets what was learned about a client (the running DHCP engine's `DHCPControl.forget`): true when
    /// something was forgotten, false when nothing was learned, nil when DHCP does not run here.
    let forget: (@Sendable (MACAddress) async -> Bool?)?
    /// The phones section in force, for each device's ladder step (`DeviceProgress`).
    let phones: @Sendable () -> PhonesConfiguration?
    /// The site view's charts: DHCP replies counted by the engine, bytes from the transfer listing.
    let history: ActivityHistory
    let logger: Logger

    public init(
        config: WebConfiguration, store: any Store, health: StoreHealth? = nil, transfers: (any TransferListing)?,
        registry: PrometheusCollectorRegistry?, liveLog: EventHub?,
        dhcp: @escaping @Sendable () -> DHCPConfiguration?, forget: (@Sendable (MACAddress) async -> Bool?)? = nil,
        phones: @escaping @Sendable () -> PhonesConfiguration? = { nil }, activity: SiteActivity? = nil,
        logger: Logger
    ) {
        self.dhcp = dhcp
        self.forget = forget
        self.phones = phones
        self.history = ActivityHistory(activity: activity, transfers: transfers)
        self.registry = registry
        self.liveLog = liveLog
        self.config = config
        self.store = store
        self.health = health
        self.transfers = transfers
        self.logger = logger
    }

    public func run() async throws {
        let router = Router()
        if !config.token.isEmpty { router.add(middleware: TokenMiddleware(token: config.token)) }
        let store = self.store, transfers = self.transfers
        let health = self.health
        router.get("/healthz") { _, _ in
            // A load balancer or monitor takes this server out while its store is unreachable: it would
            // answer DISCOVERs but withhold every ACK.
            guard let problem = health?.problem else {
                // Typed like the 503 below, as docs/openapi.yaml says (web.sh checks every route against it).
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
            }
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "store unreachable: \(problem)\n")))
        }
        Dashboard.addRoutes(to: router)
        let registry = self.registry
        router.get("/metrics") { _, _ in
            guard let registry else { throw HTTPError(.notFound, message: "metrics are not enabled in this process") }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let liveLog = self.liveLog
        router.get("/api/events") { _, _ in
            guard let liveLog else { throw HTTPError(.notFound, message: "no live log in this process") }
            // Server-sent events: one `data:` line per log event (the JSON of --log-format json).
            let stream = liveLog.subscribe().map { ByteBuffer(string: "data: \($0)\n\n") }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: .init(asyncSequence: stream))
        }
        router.get("/api/leases") { _, _ in try json(Views.leases(store, now: Self.now())) }
        let deviceCache = DeviceViewCache()
        let phones = self.phones
        // Progress changes with every block, so it is laid over the cached views on each request.
        let withProgress: @Sendable ([DeviceView]) throws -> [DeviceView] = { views in
            let active = transfers?.snapshot().active ?? []
            let states = try store.loadPhoneStates(), section = phones()
            return views.map { view in
                var view = view
                view.progress = DeviceProgress.of(
                    ip: view.ip, phoneState: states[view.mac], phones: section, active: active)
                return view
            }
        }
        router.get("/api/devices") { _, _ in try json(try withProgress(try deviceCache.devices(store: store))) }
        router.get("/api/devices/:mac") { _, context in
            guard let text = context.parameters.get("mac"), let mac = MACAddress(text) else {
                throw HTTPError(.badRequest, message: "not a MAC address")
            }
            guard let device = try Views.knownDevice(mac, store: store) else {
                throw HTTPError(
                    .notFound, message: "no device \(mac): this server has no lease, provisioning state or event for it"
                )
            }
            return try json(try withProgress([device])[0])
        }
        let history = self.history
        router.get("/api/activity") { _, _ in try json(history.view) }
        let forget = self.forget
        router.post("/api/devices/:mac/forget") { _, context in
            guard let text = context.parameters.get("mac"), let mac = MACAddress(text) else {
                throw HTTPError(.badRequest, message: "not a MAC address")
            }
            guard let forgotten = await forget?(mac) else {
                throw HTTPError(.serviceUnavailable, message: "DHCP is not running in this server")
            }
            return try json(ForgetView(mac: mac.description, forgotten: forgotten))
        }
        let dhcp = self.dhcp
        router.get("/api/pools") { _, _ in try json(try Views.pools(dhcp(), store: store, now: Self.now())) }
        router.get("/api/syslog") { request, _ in
            // Newest first, from the store: survives restarts, unlike the live log's short history.
            var limit = 200
            if let text = request.uri.queryParameters.get("limit") {
                guard let given = Int(text), (1...5000).contains(given) else {
                    throw HTTPError(
                        .badRequest,
                        message: "limit must be a whole number from 1 to 5000, got `\(VisibleText.escaped(text))`")
                }
                limit = given
            }
            return try json(try Views.syslog(store, limit: limit))
        }
        router.get("/api/transfers") { _, _ in
            let snapshot = transfers?.snapshot() ?? (active: [], recent: [])
            return try json(
                TransfersView(
                    active: snapshot.active.map(TransferView.init), recent: snapshot.recent.map(TransferView.init)))
        }
        let host = config.listen.host, port = Int(config.listen.port)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
        logger.log(
            .info, .webStarted,
            [.server(.webListen): "\(host):\(port)", .server(.webToken): config.token.isEmpty ? "none" : "required"])
        // The live log's streams never end on their own: end them when shutdown starts, or the server
        // would wait for every open dashboard before exiting.
        let sampler = Task { await history.run() }
        defer { sampler.cancel() }
        do {
            try await withGracefulShutdownHandler {
                try await app.run()
            } onGracefulShutdown: { [liveLog] in
                liveLog?.finish()
            }
        } catch {
            throw PortInUse.check(error, service: "web", address: "\(host):\(port)", port: port, transport: .tcp)
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

func json<T: Encodable>(_ value: T) throws -> Response {
    Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(bytes: try apiJSON(value))))
}
