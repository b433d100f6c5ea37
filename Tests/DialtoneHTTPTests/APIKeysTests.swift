import Foundation
import ServiceSupport
import Testing

@testable import DialtoneHTTP

/// Every key of the API is snake_case (docs/http.md, the contract). Each response shape is encoded the way
/// the routes encode it, with every optional field set, and every key at every depth is checked.
struct APIKeysTests {
    static let started = Date(timeIntervalSince1970: 1_800_000_000)

    static let info: TransferRecord = {
        var record = TransferRecord(
            id: 1, client: "198.18.0.100:50000", file: "SIP70.9-2-1S.loads", size: 1024, started: started)
        (record.bytes, record.blockSize, record.windowSize) = (512, 1468, 64)
        (record.state, record.finished, record.detail) = ("completed", started.addingTimeInterval(1), "done")
        return record
    }()
    static var transfer: TransferView { TransferView(info) }

    static var device: DeviceView {
        DeviceView(
            mac: "00:1e:7a:00:00:01", model: "CP-7970G", vendor_class: "Cisco Systems, Inc. IP Phone CP-7970G",
            ip: "198.18.0.100",
            phase: "provisioned", last_seen: "2027-01-15T08:00:00Z", load: "SIP70.9-2-1S",
            findings: [
                FindingView(
                    severity: "info", title: "t", evidence: ["e"], causes: [CauseView(cause: "c", evidence: "e")],
                    action: "a")
            ],
            learned: [LearnedView(need: "broadcast", description: "replies broadcast", since: "t", evidence: "e")],
            progress: ProgressView(
                step: 2, steps: 4, load: "SCCP70.8-2-2SR1S", file: "jar70sccp.8-2-2SR1S.sbn", bytes: 1, size: 2),
            timeline: [
                EventView(
                    time: "2027-01-15T08:00:00Z", name: "tftp.transfer.completed", level: "info",
                    metadata: ["tftp.file": "x"], server: "dhcp-a")
            ])
    }

    /// One sample of each JSON shape a route answers with. (Errors are Hummingbird's `{error: {message}}`, and
    /// the live log's lines carry log metadata keys: Tests/Integration/openapi_check.py checks both live.)
    static var samples: [(route: String, value: any Encodable)] {
        [
            (
                "/api/leases",
                [
                    LeaseView(
                        mac: "00:1e:7a:00:00:01", ip: "198.18.0.100", hostname: "lobby", state: "bound",
                        expires: "2027-01-15T08:00:00Z")
                ]
            ),
            ("/api/pools", [PoolView(subnet: "198.18.0.0/24", used: 3, size: 6)]),
            ("/api/devices", [device]),
            (
                "/api/syslog",
                [
                    SyslogView(
                        time: "t", mac: "00:1e:7a:00:00:01", source: "198.18.0.100", severity: "err",
                        facility: "local7", app: "a", text: "x")
                ]
            ),
            ("/api/transfers", TransfersView(active: [transfer], recent: [transfer])),
            (
                "/api/activity",
                ActivityView(
                    interval_s: 2,
                    samples: [ActivitySample(time: "t", dhcp_per_s: 1, tftp_mb_per_s: 0.5, active_transfers: 3)])
            ),
        ]
    }

    @Test func everyKeyIsSnakeCase() throws {
        for (route, value) in Self.samples {
            let decoded = try JSONSerialization.jsonObject(with: try apiJSON(value))
            let keys = Self.keys(decoded)
            #expect(!keys.isEmpty, "\(route): no keys seen")
            #expect(Self.camelCase(keys).isEmpty, "\(route): keys not snake_case: \(Self.camelCase(keys))")
            // A key left out of the sample (a nil optional is not encoded) would escape the check above.
            Self.expectAllFieldsEncoded(value, decoded, route)
        }
    }

    /// The check above can fail: the service's own transfer type, which the API used to encode as is,
    /// has camelCase fields; the API's shape carries them over under snake_case names.
    @Test func theServiceShapeWouldFail() throws {
        let info = Self.info
        let keys = Self.keys(try JSONSerialization.jsonObject(with: try apiJSON(info)))
        #expect(Set(Self.camelCase(keys)) == ["blockSize", "windowSize"])
        let view = TransferView(info)
        #expect(
            view.block_size == 1468 && view.window_size == 64 && view.finished == info.finished && view.detail == "done"
        )
    }

    static func camelCase(_ keys: [String]) -> [String] { keys.filter { $0.contains { $0.isUppercase } } }

    static func keys(_ json: Any) -> [String] {
        if let object = json as? [String: Any] { return object.keys + object.values.flatMap(keys) }
        if let array = json as? [Any] { return array.flatMap(keys) }
        return []
    }

    /// Walks the value and its JSON together: every stored property of every struct that encoded as an
    /// object must appear as a key, so the sample really exercises the whole shape.
    static func expectAllFieldsEncoded(_ value: Any, _ json: Any, _ path: String) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { expectAllFieldsEncoded(wrapped.value, json, path) }
        case .collection:
            guard let array = json as? [Any] else { return }
            for (element, item) in zip(mirror.children, array) {
                expectAllFieldsEncoded(element.value, item, path + "[]")
            }
        case .struct:
            guard let object = json as? [String: Any] else { return }  // e.g. a Date, encoded as a string
            let labels = Set(mirror.children.compactMap(\.label))
            #expect(Set(object.keys) == labels, "\(path): encoded \(object.keys.sorted()), fields \(labels.sorted())")
            for child in mirror.children {
                if let label = child.label, let sub = object[label] {
                    expectAllFieldsEncoded(child.value, sub, path + "." + label)
                }
            }
        default:
            return
        }
    }
}
