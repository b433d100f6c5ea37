// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets, one executable per parser or core, kept out of the main package so a normal build never
// compiles with -sanitize=fuzzer. Run with scripts/fuzz (builds with `--sanitize fuzzer`); docs/fuzzing.md
// lists what each checks and how long it has run.
let wire = Target.Dependency.product(name: "DialtoneWire", package: "dialtone")
let parsers = Target.Dependency.product(name: "DialtoneParsers", package: "dialtone")

func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "FuzzTesting",
    dependencies: [.package(name: "dialtone", path: "..")],
    targets: [
        // The fuzzer's bytes as a script of choices, for the structured and stateful harnesses.
        .target(name: "FuzzSupport"),
        // Decoders of datagrams.
        fuzzer("DHCPDecoderFuzz", [wire]),
        fuzzer("TFTPDecoderFuzz", [wire]),
        fuzzer("SyslogParserFuzz", [wire]),
        fuzzer("SNTPFuzz", [parsers]),
        // What the decoders hand on: typed options, option negotiation, the web token.
        fuzzer("DHCPOptionsFuzz", [wire, parsers, "FuzzSupport"]),
        fuzzer("TFTPOptionsFuzz", [wire, parsers, "FuzzSupport"]),
        fuzzer("HTTPQueryFuzz", [wire, "FuzzSupport"]),
        // Hand-written files: the YAML config through the validator, Cisco `.loads` files.
        fuzzer("ConfigFuzz", [wire, parsers, "FuzzSupport"]),
        fuzzer("LoadsFileFuzz", [parsers, "FuzzSupport"]),
        // Stateful: whole conversations through the DHCP core and the TFTP transfer machines.
        fuzzer("DHCPServerFuzz", [wire, parsers, "FuzzSupport"]),
        fuzzer("TFTPTransferFuzz", [wire, parsers, "FuzzSupport"]),
    ]
)
