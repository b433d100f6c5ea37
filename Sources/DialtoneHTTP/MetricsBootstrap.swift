import Metrics
import Prometheus

/// swift-metrics backed by swift-prometheus, rendered at `GET /metrics`. Bootstrapped once per process by
/// `serve` and `demo`; without it (tests, other commands) metrics are no-ops.
public enum DialtoneMetrics {
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Offer latency buckets around the targets: p99 under 1 ms, and the seed's 3 s as the far end.
        factory.durationHistogramBuckets["dialtone_dhcp_offer_latency_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5),
            .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(3),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
