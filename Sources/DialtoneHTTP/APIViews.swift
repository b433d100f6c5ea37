import DHCPServerCore
import Diagnostics
import DialtoneConfig
import Foundation
import LeaseStore
import ServiceSupport
import Timeline
import WireSupport

/// The JSON shapes of the API (docs/http.md, docs/openapi.yaml), built from the store: what `dialtone
/// explain` prints, as data. Every key is snake_case (the contract): field names here are the wire names,
/// so a Swift-style name cannot slip into the API unnoticed (APIKeysTests checks each shape).
struct LeaseView: Encodable {
    var mac: String?
    var ip: String
    var hostname: String?
    var state: String
    var expires: String
}

struct FindingView: Encodable {
    var severity: String
    var title: String
    var evidence: [String]
    /// Strongest first, each with the evidence that ranked it.
    var causes: [CauseView]
    var action: String
}

struct CauseView: Encodable {
    var cause: String
    var evidence: String
}

struct EventView: Encodable {
    var time: String
    var name: String
    var level: String
    var metadata: [String: String]
    /// The server that recorded it, in a store several servers share (docs/several-servers.md); absent
    /// otherwise.
    var server: String?
}

/// One subnet of `GET /api/pools`: addresses in use (offered, bound or quarantined) against the pool size.
struct PoolView: Encodable {
    var subnet: String
    var used: UInt64
    var size: UInt64
}

/// One line of `GET /api/syslog`: a stored syslog message, with the device it was tied to.
struct SyslogView: Encodable {
    var time: String
    var mac: String?
    var source: String?
    var severity: String
    var facility: String?
    var app: String?
    var text: String
}

struct DeviceView: Encodable {
    var mac: String
    var model: String?
    var vendor_class: String?
    var ip: String?
    var phase: String
    var last_seen: String?
    var load: String?
    var findings: [FindingView]
    /// What Dialtone learned this client needs from its behaviour (issue 18), e.g. replies broadcast.
    var learned: [LearnedView]
    /// Ladder step and the file being fetched now (`DeviceProgress`); left out when there is neither.
    var progress: ProgressView?
    var timeline: [EventView]?
}

/// `POST /api/devices/{mac}/forget`: whether there was anything learned to forget.
struct ForgetView: Encodable {
    var mac: String
    var forgotten: Bool
}

struct LearnedView: Encodable, Equatable {
    /// `ClientNeed`'s raw value (`broadcast`).
    var need: String
    /// In words: "replies broadcast".
    var description: String
    var since: String
    var evidence: String
}

/// One TFTP (or HTTP) transfer of `GET /api/transfers`. Its own shape rather than the service's
/// `TransferRecord`, whose Swift field names (`blockSize`) are not the API's.
struct TransferView: Encodable {
    var id: Int
    var client: String
    var file: String
    var bytes: Int64
    var size: Int64?
    var block_size: Int
    var window_size: Int
    /// running, completed, failed
    var state: String
    var started: Date
    var finished: Date?
    var detail: String?

    init(_ info: TransferRecord) {
        (id, client, file, bytes, size) = (info.id, info.client, info.file, info.bytes, info.size)
        (block_size, window_size, state, started, finished, detail) =
            (info.blockSize, info.windowSize, info.state, info.started, info.finished, info.detail)
    }
}

struct TransfersView: Encodable {
    var active: [TransferView]
    var recent: [TransferView]
}

/// The one JSON encoding of the API: sorted keys, so answers diff and cache well; ISO 8601 dates. Hostnames,
/// vendor classes, file names and syslog text come from the wire: JSONText escapes what JSONEncoder leaves
/// raw (DEL, C1, direction characters), so `curl` to a terminal is safe too (issue 14).
func apiJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return Data(JSONText.escapingInvisibles(Array(try encoder.encode(value))))
}

enum Views {
    static func time(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601)
    }

    static func leases(_ store: any Store, now: Int64) throws -> [LeaseView] {
        try store.loadLeases().map { l in
            LeaseView(
                mac: l.mac?.description, ip: l.ip.description, hostname: l.hostname,
                state: l.state == .bound && l.expires <= now ? "expired" : l.state.rawValue, expires: time(l.expires))
        }
    }

    static func pools(_ dhcp: DHCPConfiguration?, store: any Store, now: Int64) throws -> [PoolView] {
        guard let dhcp else { return [] }
        return DHCPServer(config: dhcp, servesTFTP: false, leases: try store.loadLeases()).poolUsage(now: now).map {
            PoolView(subnet: $0.subnet.description, used: $0.used, size: $0.total)
        }
    }

    static func syslog(_ store: any Store, limit: Int) throws -> [SyslogView] {
        try store.events(named: .syslog(.message), limit: limit).map { e in
            SyslogView(
                time: time(e.time), mac: e.mac?.description, source: e[.syslog(.source)], severity: e.level.rawValue,
                facility: e[.syslog(.facility)], app: e[.syslog(.app)], text: e[.syslog(.text)] ?? "")
        }
    }

    /// One device with its timeline, or nil when the store has never heard of it: an unknown MAC is a 404,
    /// not a device in phase "unknown" (a mistyped MAC would otherwise look like a silent phone).
    static func knownDevice(_ mac: MACAddress, store: any Store) throws -> DeviceView? {
        let leases = try store.loadLeases(), phones = try store.loadPhoneStates()
        let learned = Self.learned(try store.loadClientNeeds()[mac] ?? [])
        let view = try device(mac, store: store, leases: leases, phones: phones, learned: learned, withTimeline: true)
        let known =
            view.timeline?.isEmpty == false || leases.contains { $0.mac == mac } || phones[mac.description] != nil
            || !learned.isEmpty
        return known ? view : nil
    }

    static func learned(_ needs: [LearnedNeed]) -> [LearnedView] {
        needs.map {
            LearnedView(
                need: $0.need.rawValue, description: $0.need.description, since: time($0.learnedAt),
                evidence: $0.evidence)
        }
    }

    static func device(
        _ mac: MACAddress, store: any Store, leases: [Lease], phones: [String: String], learned: [LearnedView],
        withTimeline: Bool
    ) throws -> DeviceView {
        let events = try store.events(for: mac, limit: 500)
        let vendor = events.lazy.compactMap { $0[.dhcp(.vendorClass)] }.first
        let lease = leases.filter { $0.mac == mac }.max { $0.updated < $1.updated }
        let load = events.lazy.compactMap { $0[.phone(.load)] }.first
        let findings = Diagnosis.findings(events, clock: time).map {
            FindingView(
                severity: $0.severity.rawValue, title: $0.title, evidence: $0.evidence,
                causes: $0.causes.map { CauseView(cause: $0.text, evidence: $0.evidence) }, action: $0.action)
        }
        return DeviceView(
            mac: mac.description, model: vendor.map { $0.components(separatedBy: " ").last ?? $0 },
            vendor_class: vendor,
            ip: lease?.ip.description, phase: DevicePhase.of(events), last_seen: events.first.map { time($0.time) },
            load: load, findings: findings, learned: learned,
            timeline: withTimeline
                ? events.map {
                    EventView(
                        time: time($0.time), name: $0.name.rawValue, level: $0.level.rawValue,
                        metadata: $0.storedMetadata, server: $0.server)
                } : nil)
    }
}
