import ArgumentParser
import Foundation
import Provisioning

/// Hidden: writes the synthetic Cisco 7970 firmware bundle used by tests (and the demo, issue 6): four
/// loads of a staged upgrade, each a signed-format `.loads` (fake signature) and five scaled-down
/// components. One component is stored with different case than its `.loads` names, as in Cisco's zips.
/// Beside it, a Cisco 8851's two loads, and a Yealink T46G's and a Polycom VVX 410's two firmware images
/// each (filler bytes).
struct MakeBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_make-bundle", shouldDisplay: false)

    @Argument var directory: String
    @Option var componentSize = 65_536

    // 8.5(2), not the spec example's 8.5(4): below 8.3(3) a phone must not jump past 8.5(2) (wazo limitations.md).
    static let ladder = ["TERM70.7-0-2-0S", "SCCP70.8-2-2SR1S", "SCCP70.8-5-2S", "SIP70.9-2-1S"]
    /// A Yealink T46G's two-step firmware path (docs/provisioning.md "Yealink T4x"): one `.rom` per step.
    static let yealinkLadder = ["T46-28.83.0.50", "T46-28.86.0.20"]
    /// A Cisco 8851's two enterprise loads, each a `.loads` and the four images an 8851 of platform 2
    /// fetches (research phones-beyond-7970.md §1.3).
    static let cisco88xxLadder = ["sip88xx.12-8-1-0001-455", "sip88xx.14-2-1-0001-28"]
    /// A Polycom VVX 410's two application images (`<step>.sip.ld`).
    static let polycomLadder = ["3111-46161-001-5.9.0", "3111-46161-001-6.4.6"]

    func run() throws {
        try Self.write(to: directory, componentSize: componentSize)
        print(Self.ladder.joined(separator: " "))
    }

    static func write(to directory: String, componentSize: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, load) in Self.cisco88xxLadder.enumerated() {
            let version = load.dropFirst("sip88xx.".count)
            let components = ["rootfs2", "kern2", "ssb2", "sb22"].map { "\($0)88xx.\(version).sbn" }
            try Data(LoadsFile.synthesize(name: load + ".loads", components: components))
                .write(to: URL(fileURLWithPath: directory + "/" + load + ".loads"))
            for (n, component) in components.enumerated() {
                var bytes = [UInt8](repeating: 0, count: componentSize + n * 500)
                for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 17) ^ (index &* 3) ^ n) }
                try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + component))
            }
        }
        let images =
            Self.yealinkLadder.map(YealinkProfile.firmwareFile) + Self.polycomLadder.map(PolycomProfile.imageFile)
        for (index, name) in images.enumerated() {
            var bytes = [UInt8](repeating: 0, count: componentSize * 2)
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 13) ^ (index &* 5)) }
            try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        for (index, load) in Self.ladder.enumerated() {
            let version = String(load.split(separator: ".", maxSplits: 1)[1].dropLast())  // 7-0-2-0
            let sip = load.hasPrefix("SIP")
            let components = [
                "jar70\(sip ? "sip" : "sccp").\(version).sbn", "cnu70.\(version).sbn", "apps70.\(version).sbn",
                "dsp70.\(version).sbn", "cvm70\(sip ? "sip" : "sccp").\(version).sbn",
            ]
            try Data(LoadsFile.synthesize(name: load + ".loads", components: components))
                .write(to: URL(fileURLWithPath: directory + "/" + load + ".loads"))
            for (n, component) in components.enumerated() {
                // The first load's jar is stored capitalised: phones ask `jar70sccp...`, zips hold `Jar70sccp...`.
                let onDisk = index == 0 && n == 0 ? "J" + component.dropFirst() : component
                var bytes = [UInt8](repeating: 0, count: componentSize + n * 1000)
                for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: (i &* 31) ^ (index &* 7) ^ n) }
                try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + onDisk))
            }
        }
    }
}
