import CSystemClock
import DialtoneConfig
import DialtoneLogging
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SNTPWire
import ServiceLifecycle
import ServiceSupport

#if canImport(Glibc)
    import Glibc
    import Timeline
#endif

/// SNTP server (RFC 4330) answering from the system clock. It refuses to claim synchronization when the
/// kernel reports the clock unsynchronized (adjtimex TIME_ERROR), unless `trust_host_clock` says the admin
/// vouches for it, and logs which it is at start and whenever that changes.
public struct SNTPService: Service {
    let config: SNTPConfiguration
    let logger: Logger

    public init(config: SNTPConfiguration, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    public func run() async throws {
        let settings = SNTPResponder.Settings(stratum: UInt8(config.stratum), referenceID: config.referenceID)
        let status = ClockStatus(trust: config.trustHostClock, logger: logger)
        try await UDPListeners.run(
            config.listen, service: "sntp", handler: { SNTPHandler(settings: settings, status: status) },
            started: {
                logger.log(
                    .info, .sntpStarted,
                    [
                        .server(.sntpListen): config.listen.map(\.description).joined(separator: ","),
                        .server(.sntpSynchronized): "\(status.synchronized())",
                        .server(.sntpTrustHostClock): "\(config.trustHostClock)",
                    ])
            })
        logger.log(.info, .sntpStopped)
    }
}

/// Reads the kernel's synchronization state (at most once a second) and logs changes.
final class ClockStatus: Sendable {
    let trust: Bool
    let logger: Logger
    private let cache = NIOLockedValueBox<(checked: UInt64, synchronized: Bool?)>((0, nil))

    init(trust: Bool, logger: Logger) {
        self.trust = trust
        self.logger = logger
    }

    func synchronized() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        return cache.withLockedValue { c in
            if let known = c.synchronized, now - c.checked < 1_000_000_000 { return trust || known }
            let kernel = dialtone_clock_synchronized() == 1
            if c.synchronized != kernel {
                if kernel {
                    logger.log(.info, .sntpClockSynchronized)
                } else {
                    logger.log(
                        .warning, .sntpClockUnsynchronized,
                        [
                            .reason: "the kernel reports the host clock unsynchronized (no NTP discipline)",
                            .server(.sntpAnswer):
                                "\(trust ? "claiming sync anyway (trust_host_clock: true)" : "LI=3 stratum 16: clients will not trust it")",
                        ])
                }
            }
            c = (now, kernel)
            return trust || kernel
        }
    }
}

final class SNTPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    let settings: SNTPResponder.Settings
    let status: ClockStatus

    init(settings: SNTPResponder.Settings, status: ClockStatus) {
        self.settings = settings
        self.status = status
    }

    static func now() -> NTPTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return NTPTimestamp(unixNanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let received = Self.now()
        let envelope = unwrapInboundIn(data)
        guard let request = try? NTPPacket(decoding: Array(envelope.data.readableBytesView)),
            let reply = SNTPResponder.reply(
                to: request, received: received, transmit: Self.now(), synchronized: status.synchronized(),
                settings: settings)
        else { return }
        var buffer = context.channel.allocator.buffer(capacity: 48)
        buffer.writeBytes(reply.encode())
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}
