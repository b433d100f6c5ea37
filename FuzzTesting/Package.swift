// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets, one executable per decoder, kept out of the main package so a normal build never
// compiles with -sanitize=fuzzer. Run with scripts/fuzz (builds with `--sanitize fuzzer`).
let package = Package(
    name: "FuzzTesting",
    dependencies: [.package(name: "dialtone", path: "..")],
    targets: [
        .executableTarget(
            name: "DHCPDecoderFuzz",
            dependencies: [.product(name: "DialtoneWire", package: "dialtone")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "TFTPDecoderFuzz",
            dependencies: [.product(name: "DialtoneWire", package: "dialtone")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "SyslogParserFuzz",
            dependencies: [.product(name: "DialtoneWire", package: "dialtone")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
