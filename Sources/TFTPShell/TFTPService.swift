import CDatagramIO
import DialtoneConfig
import DialtoneLogging
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import ServiceSupport
import TFTPCore
import TFTPWire
import Timeline
import WireSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The TFTP service: one listening socket per `tftp.listen` address, on NIO; each request gets its own socket,
/// run as a `TransferSession` on one of the transfer loops (`TransferLoops`, one thread per core). Refusals
/// (missing file, writes disabled, busy) are answered at once with an ERROR, never with silence: phones probe
/// CTL/ITL files that usually do not exist and must move on in milliseconds.
public struct TFTPService: Service {
    /// What a request is served by: the section, the root and the file providers. A reload replaces it
    /// (`reconfigure`); each request reads it as it is decided, while a running transfer keeps the file it
    /// opened and the parameters it negotiated, so no transfer is cut by a reload.
    public struct Settings: Sendable {
        public var config: TFTPConfiguration
        public var disk: DiskFileProvider
        /// Consulted after the disk (a real file wins over a generated one, issue 6).
        public var extraProviders: [any TFTPFileProvider]
        public init(config: TFTPConfiguration, disk: DiskFileProvider, extraProviders: [any TFTPFileProvider]) {
            self.config = config
            self.disk = disk
            self.extraProviders = extraProviders
        }
    }
    public let settings: LiveSettings<Settings>
    var config: TFTPConfiguration { settings.value.config }
    var disk: DiskFileProvider { settings.value.disk }
    let transfers: TFTPTransfers
    let logger: Logger
    let limits: TFTPRequestLimits

    public init(
        config: TFTPConfiguration, disk: DiskFileProvider, transfers: TFTPTransfers,
        extraProviders: [any TFTPFileProvider] = [], logger: Logger
    ) {
        self.settings = LiveSettings(Settings(config: config, disk: disk, extraProviders: extraProviders))
        self.transfers = transfers
        self.logger = logger
        let limits = TFTPRequestLimits(rate: config.clientRateLimit, logger: logger)
        self.limits = limits
        TransferLoops.setFullSpeedTransfers(config.fullSpeedTransfers)
        settings.onUpdate {
            limits.setRate($0.config.clientRateLimit)
            TransferLoops.setFullSpeedTransfers($0.config.fullSpeedTransfers)
        }
    }

    /// A reload's new settings (ReloadPlan.effective: `listen` keeps its running value).
    public func reconfigure(_ new: Settings) { settings.update(new) }

    public func run() async throws {
        let service = self, transfers = self.transfers
        try await UDPListeners.run(
            config.listen, service: "tftp", handler: { TFTPListenerHandler(service: service) },
            started: {
                logger.log(
                    .info, .tftpStarted,
                    [
                        .server(.tftpListen): config.listen.map(\.description).joined(separator: ","),
                        .server(.tftpRoot): "\(disk.root)",
                    ])
            }, stopping: { transfers.abortAll() })
        // Give the ERRORs a moment to leave before the event loops stop with the process.
        try? await Task.sleep(for: .milliseconds(50))
        logger.log(.info, .tftpStopped, [.server(.tftpActive): "\(transfers.activeCount)"])
    }

    /// Decides what a request gets: a transfer, or an ERROR. Runs on the listener's event loop.
    func handle(_ packet: TFTPPacket, from client: SocketAddress) {
        // One reading of the settings per request: a reload in the middle cannot mix two configs in it.
        let current = settings.value
        let config = current.config, disk = current.disk
        let clientIP = client.wireIPv4 ?? .any
        let clientAddress = "\(clientIP):\(client.port ?? 0)"
        var describe: EventMetadata = [.client(.address): clientAddress]
        let machine: TransferSession.Machine
        var id = 0
        switch packet {
        case .readRequest(let request), .writeRequest(let request):
            guard limits.admit(clientIP) else { return }
            let isRead = if case .readRequest = packet { true } else { false }
            if transfers.isRunning(client: clientAddress, file: request.filename) {
                // The client repeated its request before our first answer reached it: that transfer answers it.
                logger.log(
                    .debug, .tftpRequestDuplicate, [.client(.address): clientAddress, .tftp(.file): request.filename])
                return
            }
            describe = TFTPTimeline.request(request, isRead: isRead, client: clientAddress)
            let limits = NegotiationLimits(
                maxBlockSize: min(config.maxBlockSize, InterfaceMTU.blockLimit(towards: clientIP)),
                maxWindowSize: config.maxWindowSize,
                defaultTimeoutMilliseconds: config.timeout.milliseconds)
            let admission = RequestAdmission(
                allowWrite: config.allowWrite, allowOverwrite: config.allowOverwrite, maxTransfers: config.maxTransfers)
            let direction: RequestAdmission.Direction = isRead ? .read : .write
            do throws(TFTPOpenError) {
                let components = try admission.admit(request, direction).get()
                if isRead {
                    let opened = try open(components, in: current)
                    if case .refuse(let why) = admission.decide(
                        .read, lookup: opened == nil ? .missing : .found, running: transfers.activeCount)
                    {
                        throw why
                    }
                    guard var file = opened else { throw admission.busy }  // unreachable: decide refused a missing file
                    if request.mode == "netascii" {
                        file = TFTPFile(bytes: NetASCII.encode(file.read(0, Int(file.size))), origin: file.origin)
                    }
                    describe.merge(TFTPTimeline.origin(file.origin))
                    let parameters = OptionNegotiation.negotiate(request, limits: limits, transferSize: file.size)
                    guard
                        let newID = transfers.begin(
                            client: clientAddress, file: request.filename, size: file.size, limit: config.maxTransfers)
                    else {
                        throw admission.busy
                    }
                    id = newID
                    transfers.update(id) {
                        $0.blockSize = parameters.blockSize
                        $0.windowSize = parameters.windowSize
                    }
                    describe.merge(TFTPTimeline.negotiated(parameters, size: file.size))
                    machine = .read(
                        ReadTransfer(parameters: parameters, fileSize: file.size, maxRetries: config.retries), file)
                } else {
                    let (directory, name, existing) = try disk.resolveForWrite(components)
                    let lookup: RequestAdmission.Lookup = existing != nil ? .existing : .creatable
                    if case .refuse(let why) = admission.decide(.write, lookup: lookup, running: transfers.activeCount)
                    {
                        throw why
                    }
                    guard
                        let target = UploadTarget(
                            directory: directory, name: name, netascii: request.mode == "netascii")
                    else {
                        if case .refuse(let why) = admission.decide(
                            .write, lookup: .notCreatable(directory: directory), running: 0)
                        {
                            throw why
                        }
                        throw admission.busy  // unreachable: decide refuses notCreatable
                    }
                    let parameters = OptionNegotiation.negotiate(request, limits: limits, transferSize: nil)
                    guard
                        let newID = transfers.begin(
                            client: clientAddress, file: request.filename, size: Int64(request.option("tsize") ?? ""),
                            limit: config.maxTransfers)
                    else {
                        target.abandon()
                        throw admission.busy
                    }
                    id = newID
                    machine = .write(
                        WriteTransfer(parameters: parameters, maxRetries: config.retries), target,
                        overwrite: config.allowOverwrite)
                }
            } catch {
                let refused = TFTPTimeline.refused(describe, error)
                logger.log(
                    level: error.code == 1 ? .info : .notice, "\(refused.name)", metadata: refused.metadata.logMetadata)
                transfers.recorder?.record(client: clientIP.description, refused)
                Counter(label: "dialtone_tftp_refused_total", dimensions: [("code", String(error.code))]).increment()
                machine = .refuse(.error(TFTPErrorCode(rawValue: error.code), message: error.message))
            }
        default:
            // Only requests belong on the listening port (RFC 1350 §4).
            machine = .refuse(.error(.illegalOperation, message: "illegal TFTP operation"))
        }
        startTransfer(machine, id: id, client: client, describe: describe, portRange: config.portRange)
    }

    private func open(_ components: [String], in settings: Settings) throws(TFTPOpenError) -> TFTPFile? {
        for provider in [settings.disk] + settings.extraProviders {
            if let file = try provider.open(components) { return file }
        }
        return nil
    }

    private func startTransfer(
        _ machine: TransferSession.Machine, id: Int, client: SocketAddress, describe: EventMetadata,
        portRange: ClosedRange<UInt16>?
    ) {
        let host = config.listen.first.flatMap { IPv4Address($0.host) } ?? .any
        let socket: Int32
        let loop: TransferLoop
        do throws(TransferLoopError) {
            loop = try TransferLoops.leastBusy()
            socket = try Self.openSocket(on: host, in: portRange)
        } catch {
            let upload: UploadTarget? = if case .write(_, let target, _) = machine { target } else { nil }
            TransferSession.failBeforeStart(
                id: id, upload: upload, reason: "\(error)", registry: transfers, logger: logger)
            return
        }
        loop.adopt(
            TransferSession(
                socket: socket, client: client.wireIPv4 ?? .any, port: UInt16(client.port ?? 0), id: id,
                machine: machine, registry: transfers, logger: logger, describe: describe))
    }

    /// The transfer's socket: any free port, or a free port of `port_range` (firewall-friendly) tried from a
    /// random one, up to 64 tries.
    private static func openSocket(on host: IPv4Address, in range: ClosedRange<UInt16>?) throws(TransferLoopError)
        -> Int32
    {
        let address = host.rawValue.bigEndian
        guard let range else {
            let fd = dialtone_udp_open(address, 0)
            guard fd >= 0 else { throw TransferLoopError(call: "bind", code: -fd) }
            return fd
        }
        let count = Int(range.upperBound - range.lowerBound) + 1
        var port = Int(range.lowerBound) + Int.random(in: 0..<count)
        var failure: Int32 = EADDRINUSE
        for _ in 0..<min(count, 64) {
            let fd = dialtone_udp_open(address, UInt16(port).bigEndian)
            if fd >= 0 { return fd }
            failure = -fd
            port = port == Int(range.upperBound) ? Int(range.lowerBound) : port + 1
        }
        throw TransferLoopError(call: "bind in port_range \(range.lowerBound)-\(range.upperBound)", code: failure)
    }
}
