// swift-tools-version:6.1
import PackageDescription

// Targets read as the architecture: pure wire formats and cores at the bottom (they import at most NIOCore,
// checked by scripts/check-purity), shells with sockets, files and SQLite above them, the executable on top.
let package = Package(
    name: "dialtone",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dialtone", targets: ["dialtone"]),
        // The wire codecs alone, for FuzzTesting/ (libFuzzer harnesses built with --sanitize fuzzer).
        .library(name: "DialtoneWire", targets: ["WireSupport", "DHCPWire", "TFTPWire", "SyslogWire"]),
        // The other parsers of untrusted or hand-written input, and the cores the stateful harnesses drive.
        .library(
            name: "DialtoneParsers",
            targets: ["SNTPWire", "TFTPCore", "DHCPServerCore", "DialtoneConfig", "ConfigLoader", "Provisioning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // MARK: pure
        .target(name: "DialtoneConfig", dependencies: ["WireSupport", "DHCPWire"]),
        .target(name: "WireSupport", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "DHCPWire", dependencies: ["WireSupport", .product(name: "NIOCore", package: "swift-nio")]),
        // The device timeline's catalogue of event names and keys, the contract every emitter and reader shares.
        .target(name: "Timeline", dependencies: ["WireSupport"]),
        .target(name: "DHCPServerCore", dependencies: ["DHCPWire", "WireSupport", "DialtoneConfig", "Timeline"]),
        .target(name: "TFTPWire"),
        .target(name: "TFTPCore", dependencies: ["TFTPWire", "Timeline"]),
        .target(name: "SyslogWire"),
        .target(name: "SNTPWire"),
        // HTTP file service decisions (issue 16): path admission with TFTP's rules, Range, validators, the
        // response plan, and the fetch's timeline events.
        .target(name: "HTTPFileCore", dependencies: ["TFTPCore", "Timeline"]),
        .target(name: "Diagnostics", dependencies: ["Timeline"]),
        .target(
            name: "Provisioning",
            dependencies: ["Timeline", "WireSupport", .product(name: "Mustache", package: "swift-mustache")]),
        // Other DHCP servers' lease files and configs read into Dialtone's terms (`leases import`, `config import`).
        .target(name: "PeerImport", dependencies: ["WireSupport", "DHCPServerCore", "DialtoneConfig"]),
        // Who `serve` becomes and which capabilities it keeps, from the config; /proc status lines read back.
        .target(name: "PrivilegePlan", dependencies: ["DialtoneConfig"]),

        // MARK: shells
        .target(name: "ConfigLoader", dependencies: ["DialtoneConfig", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "LeaseStore",
            dependencies: [
                "DHCPServerCore", "WireSupport", "Timeline", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the group commit's row binding (SQLiteRows); part of GRDB's package.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The shared store: several servers on one PostgreSQL (issue 13), behind the same `Store` protocol.
        .target(
            name: "PostgresStore",
            dependencies: [
                "LeaseStore", "DHCPServerCore", "Timeline", "WireSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "CSystemClock"),
        .target(name: "CARPCache"),
        // epoll, eventfd and sendmmsg for the TFTP transfer loops (issue 17).
        .target(name: "CDatagramIO"),
        // The DHCP sockets' DISCOVER filter (classic BPF) and the socket options around it (issue 17).
        .target(name: "CDHCPSocket"),
        // capget/capset and prctl for the privilege switch (PrivilegeDrop in `dialtone`).
        .target(name: "CPrivilege"),
        .target(
            name: "DialtoneLogging",
            dependencies: ["Timeline", "WireSupport", .product(name: "Logging", package: "swift-log")]),
        // Services on SwiftNIO, one target per protocol, over a small support target (interfaces, sockets'
        // lifetime, ports, the state lock, the store writer, the transfer views). No protocol shell imports
        // another, and the HTTP layer imports none (scripts/check-purity checks both).
        .target(
            name: "ServiceSupport",
            dependencies: [
                "WireSupport", "DHCPServerCore", "DialtoneConfig", "LeaseStore", "DialtoneLogging", "Timeline",
                "CPrivilege",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "DHCPShell",
            dependencies: [
                "ServiceSupport", "WireSupport", "DHCPWire", "DHCPServerCore", "DialtoneConfig", "LeaseStore",
                "DialtoneLogging",
                "Timeline", "CARPCache", "CDHCPSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TFTPShell",
            dependencies: [
                "ServiceSupport", "WireSupport", "TFTPWire", "TFTPCore", "DialtoneConfig", "DialtoneLogging",
                "Timeline", "CDatagramIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The transfer loops touch their sessions' and batches' stored properties several times per DATA
            // block, and each touch was a dynamic exclusivity check with a thread-local lookup: ~590 of
            // 2,637 instructions per lockstep block (callgrind, bench/tftp, docs/benchmarks.md). Release
            // builds of this target drop the checks; debug builds keep them, and the unit tests and every
            // integration script but package.sh (which installs the release package) run those, so a
            // violation still traps there.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "SyslogShell",
            dependencies: [
                "ServiceSupport", "WireSupport", "SyslogWire", "DialtoneConfig", "LeaseStore", "DialtoneLogging",
                "Timeline",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SNTPShell",
            dependencies: [
                "ServiceSupport", "SNTPWire", "CSystemClock", "DialtoneConfig", "DialtoneLogging", "Timeline",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ProvisioningShell",
            dependencies: [
                "ServiceSupport", "WireSupport", "Provisioning", "TFTPCore", "DialtoneConfig", "LeaseStore",
                "DialtoneLogging", "Timeline",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP file service: the TFTP root's providers over HTTP on Hummingbird (`http:`).
        .target(
            name: "HTTPFileShell",
            dependencies: [
                "ServiceSupport", "HTTPFileCore", "TFTPCore", "DialtoneConfig", "DialtoneLogging", "Timeline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The TFTP client `dialtone tftp` and the simulated phones share: a blocking socket, no event loop.
        .target(name: "TFTPClient", dependencies: ["TFTPCore", "TFTPWire"]),
        .target(
            name: "DialtoneHTTP",
            dependencies: [
                "ServiceSupport", "LeaseStore", "DHCPServerCore", "Diagnostics", "Timeline", "WireSupport",
                "DialtoneConfig", "DialtoneLogging", "Provisioning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The dashboard's files, compiled into the binary as byte arrays (PackageResources): it stays one
            // self-contained file that serves the dashboard offline.
            resources: [
                .embedInCode("Dashboard/index.html"), .embedInCode("Dashboard/dashboard.css"),
                .embedInCode("Dashboard/dashboard.js"),
            ]
        ),
        .target(
            name: "PhoneSimulator",
            dependencies: [
                "DHCPWire", "WireSupport", "TFTPCore", "TFTPWire", "Provisioning", "ServiceSupport", "TFTPClient",
            ]
        ),
        // `dialtone --version`: the VERSION file and the commit, stamped at build time (Plugins/BuildInfoPlugin).
        .executableTarget(name: "BuildInfoGenerator"),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), dependencies: ["BuildInfoGenerator"]),
        .executableTarget(
            name: "dialtone",
            dependencies: [
                "ServiceSupport", "DHCPShell", "TFTPShell", "SyslogShell", "SNTPShell", "ProvisioningShell",
                "TFTPClient",
                "ConfigLoader", "DialtoneConfig", "LeaseStore", "DialtoneLogging", "TFTPCore", "TFTPWire",
                "Provisioning",
                "PhoneSimulator", "WireSupport", "Diagnostics", "Timeline", "DialtoneHTTP", "PeerImport",
                "PostgresStore", "PrivilegePlan", "CPrivilege", "HTTPFileShell",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),

        // MARK: tests
        .testTarget(name: "WireSupportTests", dependencies: ["WireSupport"]),
        .testTarget(name: "DHCPWireTests", dependencies: ["DHCPWire", "WireSupport"]),
        .testTarget(
            name: "DHCPServerCoreTests", dependencies: ["DHCPServerCore", "DHCPWire", "WireSupport", "Timeline"]),
        .testTarget(name: "TFTPCoreTests", dependencies: ["TFTPCore", "TFTPWire", "Timeline"]),
        .testTarget(name: "HTTPFileCoreTests", dependencies: ["HTTPFileCore", "TFTPCore", "Timeline"]),
        .testTarget(name: "SyslogWireTests", dependencies: ["SyslogWire"]),
        .testTarget(name: "SNTPWireTests", dependencies: ["SNTPWire"]),
        .testTarget(name: "ProvisioningTests", dependencies: ["Provisioning"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "Timeline", "WireSupport"]),
        .testTarget(name: "TimelineTests", dependencies: ["Timeline", "WireSupport"]),
        // Drives the real DHCP core and TFTP machines and feeds what they emit into Diagnosis: an event or key
        // renamed on one side only fails here, without root or sockets.
        .testTarget(
            name: "TimelineContractTests",
            dependencies: [
                "Timeline", "DHCPServerCore", "DHCPWire", "DialtoneConfig", "WireSupport", "TFTPCore", "TFTPWire",
                "Provisioning", "Diagnostics",
            ]
        ),
        .testTarget(name: "DialtoneConfigTests", dependencies: ["DialtoneConfig", "ConfigLoader"]),
        .testTarget(name: "PrivilegePlanTests", dependencies: ["PrivilegePlan", "DialtoneConfig", "ConfigLoader"]),
        .testTarget(
            name: "DHCPShellTests",
            dependencies: [
                "DHCPShell", "ServiceSupport", "LeaseStore", "DHCPServerCore", "DHCPWire", "DialtoneConfig", "Timeline",
                "WireSupport", "CDHCPSocket",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ProvisioningShellTests",
            dependencies: [
                "ProvisioningShell", "ServiceSupport", "LeaseStore", "DialtoneConfig", "TFTPCore", "WireSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ServiceSupportTests",
            dependencies: [
                "ServiceSupport", "LeaseStore", "DHCPServerCore", "Timeline", "WireSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DialtoneLoggingTests",
            dependencies: ["DialtoneLogging", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "PeerImportTests",
            dependencies: ["PeerImport", "WireSupport", "ConfigLoader", "DialtoneConfig", "DHCPServerCore", "DHCPWire"]),
        .testTarget(
            name: "DialtoneHTTPTests",
            dependencies: [
                "DialtoneHTTP", "ServiceSupport", "LeaseStore", "DHCPServerCore", "Diagnostics", "Timeline",
                "WireSupport", .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: [
                "PostgresStore", "LeaseStore", "DHCPServerCore", "Timeline", "WireSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "LeaseStoreTests",
            dependencies: [
                "LeaseStore", "DHCPServerCore", "Timeline", "WireSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API: StoreSyncTests counts the syncs of the write-ahead log's file.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
    ]
)
