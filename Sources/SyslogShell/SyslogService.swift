import DialtoneConfig
import DialtoneLogging
import Foundation
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import ServiceSupport
import SyslogWire
import Timeline
import WireSupport

/// UDP syslog receiver (RFC 3164 and RFC 5424 over UDP, RFC 5426). Each message is tied to the device
/// that sent it (source IP -> lease -> MAC), appended to `syslog.file`, recorded in that device's timeline,
/// and logged as `syslog.message`.
public struct SyslogService: Service {
    let config: SyslogConfiguration
    let directory: DeviceDirectory
    let writer: StoreWriter
    let logger: Logger

    public init(config: SyslogConfiguration, directory: DeviceDirectory, writer: StoreWriter, logger: Logger) {
        self.config = config
        self.directory = directory
        self.writer = writer
        self.logger = logger
    }

    public func run() async throws {
        let sink = try SyslogSink(
            file: SyslogFile(path: config.file, maxSize: config.maxFileSize), writer: writer, logger: logger)
        let directory = self.directory
        try await UDPListeners.run(
            config.listen, service: "syslog", handler: { SyslogHandler(directory: directory, sink: sink) },
            started: {
                logger.log(
                    .info, .syslogStarted,
                    [
                        .server(.syslogListen): config.listen.map(\.description).joined(separator: ","),
                        .server(.syslogFile): config.file,
                    ])
            })
        sink.flush()
        logger.log(.info, .syslogStopped)
    }
}

/// Where parsed messages go; writes are batched and done on a background thread, so a burst of boot
/// messages from a floor of phones never blocks the receiving event loop.
final class SyslogSink: Sendable {
    struct Entry: Sendable {
        var time: Date
        var source: String
        var mac: MACAddress?
        var message: SyslogMessage

        /// What the log line and the stored event share.
        var timelineMetadata: EventMetadata {
            var metadata: EventMetadata = [
                .syslog(.source): source, .syslog(.facility): message.facilityName,
                .syslog(.severity): message.severityName,
                .syslog(.text): message.message,
            ]
            if let app = message.appName { metadata[.syslog(.app)] = app }
            return metadata
        }
    }

    private let file: NIOLockedValueBox<SyslogFile>
    private let writer: StoreWriter
    private let logger: Logger
    private let pending = NIOLockedValueBox<(entries: [Entry], scheduled: Bool)>(([], false))

    init(file: SyslogFile, writer: StoreWriter, logger: Logger) {
        self.file = NIOLockedValueBox(file)
        self.writer = writer
        self.logger = logger
    }

    func accept(_ entry: Entry) {
        var metadata = entry.timelineMetadata
        if let mac = entry.mac { metadata[.client(.mac)] = "\(mac)" }
        // The log line names the sender's host too; the stored event does not (the device is its key).
        if let host = entry.message.hostname { metadata[.syslog(.host)] = host }
        logger.info("\(EventName.syslog(.message))", metadata: metadata.logMetadata)
        let start = pending.withLockedValue { p -> Bool in
            p.entries.append(entry)
            if p.scheduled { return false }
            p.scheduled = true
            return true
        }
        if start { NIOThreadPool.singleton.submit { [self] _ in flush() } }
    }

    func flush() {
        let entries = pending.withLockedValue { p -> [Entry] in
            defer {
                p.entries = []
                p.scheduled = false
            }
            return p.entries
        }
        guard !entries.isEmpty else { return }
        file.withLockedValue { file in
            for e in entries {
                let m = e.message
                let who = e.mac.map { " \($0)" } ?? ""
                let tag = [m.hostname, m.appName.map { app in m.processID.map { "\(app)[\($0)]" } ?? app }].compactMap {
                    $0
                }.joined(separator: " ")
                // The sender chose the tag and text: control characters become rsyslog's #ooo, so a newline
                // cannot forge a second line in the file (issue 14).
                let text = VisibleText.rsyslog("\(tag.isEmpty ? "" : tag + ": ")\(m.message)")
                file.append(
                    "\(ISO8601DateFormatter().string(from: e.time)) \(e.source)\(who) \(m.facilityName).\(m.severityName) \(text)"
                )
            }
        }
        // Every line is stored, tied to a device or not: the dashboard's Syslog tab reads them back.
        let events = entries.map { e in
            TimelineEvent(
                time: Int64(e.time.timeIntervalSince1970 * 1000), mac: e.mac, name: .syslog(.message),
                level: EventLevel(rawValue: e.message.severityName), metadata: e.timelineMetadata)
        }
        writer.submit(events: events)
    }
}

final class SyslogHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let directory: DeviceDirectory
    let sink: SyslogSink

    init(directory: DeviceDirectory, sink: SyslogSink) {
        self.directory = directory
        self.sink = sink
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let message = SyslogParser.parse(Array(envelope.data.readableBytesView))
        let ip = envelope.remoteAddress.wireIPv4
        sink.accept(
            SyslogSink.Entry(
                time: Date(), source: ip?.description ?? "\(envelope.remoteAddress)",
                mac: ip.flatMap(directory.mac(for:)), message: message))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}
