import DHCPWire
import Metrics

/// The per-packet metrics, made once: looking a counter up in the Prometheus registry takes a lock and
/// hashes its label on every call, a few percent of the DHCP path under flood (perf, bench/dhcp).
/// Confined to the engine's event loop like the engine itself.
struct DHCPMetrics {
    private var receivedByType: [UInt8: Counter] = [:]
    private var sentByType: [UInt8: Counter] = [:]
    let offerLatency = Timer(label: "dialtone_dhcp_offer_latency_seconds")

    mutating func received(_ type: DHCPMessageType?) {
        counter(&receivedByType, "dialtone_dhcp_received_total", type, unknown: "BOOTP").increment()
    }

    mutating func sent(_ type: DHCPMessageType?) {
        counter(&sentByType, "dialtone_dhcp_sent_total", type, unknown: "?").increment()
    }

    private func counter(_ table: inout [UInt8: Counter], _ label: String, _ type: DHCPMessageType?, unknown: String)
        -> Counter
    {
        let key = type?.rawValue ?? 0
        if let known = table[key] { return known }
        let made = Counter(label: label, dimensions: [("type", type?.description ?? unknown)])
        table[key] = made
        return made
    }
}
