import ArgumentParser
import DialtoneConfig
import Foundation
import Logging
import PostgresStore
import Provisioning
import ServiceSupport
import TFTPCore
import TFTPShell

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config and the TFTP root; one line per finding, exit 1 if any.",
        discussion: """
            An invalid config exits 2 with every error (file:line:column: key: problem). A valid config is \
            then checked against the machine: the TFTP root exists and is readable, the state directory can \
            be created. With `phones:`, every load named in default_loads and upgrade_paths must exist in \
            the TFTP root with every component its .loads lists (case-insensitively; the case on disk is \
            reported), sizes and MD5s where the .loads gives them; and no ladder may jump from below 8.3(3) \
            straight past 8.5(2). A class that sets option 67 through `options:` while a subnet's boot file \
            names another file is reported with its file and line: use the class's `boot_file:`. With \
            `store.kind: postgres`, the database is connected to, its schema created or checked, and its \
            leases counted.

            Example:
              dialtone check --config /etc/dialtone/dialtone.yaml && echo ready to serve
            """
    )

    @OptionGroup var configOption: ConfigOption

    func run() throws {
        let config = try configOption.load()
        var findings: [String] = []
        let fm = FileManager.default
        if let tftp = config.tftp {
            var isDirectory: ObjCBool = false
            if !fm.fileExists(atPath: tftp.root, isDirectory: &isDirectory) {
                findings.append("\(config.sourceFile): tftp.root: \(tftp.root) does not exist")
            } else if !isDirectory.boolValue {
                findings.append("\(config.sourceFile): tftp.root: \(tftp.root) is not a directory")
            } else if !fm.isReadableFile(atPath: tftp.root) {
                findings.append("\(config.sourceFile): tftp.root: \(tftp.root) is not readable")
            }
        }
        if let phones = config.phones {
            findings += Self.phoneFindings(phones, config: config)
        }
        // Valid but contradictory boot settings (the file field and option 67 from different keys).
        findings += (config.dhcp?.advisories ?? []).map(\.description)
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: config.stateDirectory, isDirectory: &isDirectory) {
            if !isDirectory.boolValue || !fm.isWritableFile(atPath: config.stateDirectory) {
                findings.append("\(config.sourceFile): state_dir: \(config.stateDirectory) is not a writable directory")
            }
        }
        findings += Self.storeFindings(config)
        for line in findings { say(line) }
        if !findings.isEmpty { throw ExitCode(1) }
        say("\(config.sourceFile): ok (services: \(config.enabledServices.joined(separator: ", ")))")
    }

    /// The PostgreSQL store is connected to for real: credentials, reachability and schema version are the
    /// usual first-start failures, and they are better found here than by a server that withholds ACKs.
    static func storeFindings(_ config: DialtoneConfiguration) -> [String] {
        guard config.store.kind == .postgres else { return [] }
        do {
            let url = try PostgresURL(config.store.url ?? "", passwordFile: config.store.passwordFile)
            let store = try PostgresStore(
                url: url, poolSize: 1, connectTimeout: .milliseconds(config.store.connectTimeout.milliseconds),
                serverName: StoreOpener.serverName(config), logger: Logger(label: "dialtone.check"))
            defer { store.close() }
            let leases = try store.loadLeases().count
            say(
                "note: store: \(store.location) answers; schema ready (was version \(store.schemaFound)), \(leases) lease\(leases == 1 ? "" : "s")"
            )
            return []
        } catch {
            return ["\(config.sourceFile): store: \(error)"]
        }
    }

    static func phoneFindings(_ phones: PhonesConfiguration, config: DialtoneConfiguration) -> [String] {
        let file = config.sourceFile
        var findings: [String] = []
        for (model, steps) in phones.upgradePaths.sorted(by: { $0.key < $1.key }) {
            let vendor = PhoneVendor.of(model: model)
            if vendor == nil {
                findings.append(
                    "\(file): phones.upgrade_paths.\(model): unknown model (known: CP-7970G, CP-7941G, ..., Yealink T46G, T48G, ..., Polycom VVX410, ...)"
                )
            }
            // Cisco's version rules; a Yealink or Polycom path is a list of images, checked on disk below.
            for reason in vendor == .cisco || vendor == nil ? UpgradeLadder.badJumps(steps) : [] {
                findings.append("\(file): phones.upgrade_paths.\(model): \(reason)")
            }
        }
        guard let tftp = config.tftp, let disk = try? DiskFileProvider(root: tftp.root, caseInsensitive: true) else {
            if config.tftp == nil { findings.append("\(file): phones: needs a tftp: section to serve the loads") }
            return findings
        }
        // A case difference is only a problem when the server matches names exactly; otherwise it is a note.
        func caseNote(_ text: String) {
            if tftp.caseInsensitive {
                say("note: " + text + " (served case-insensitively)")
            } else {
                findings.append(text + "; phones ask for the exact name and tftp.case_insensitive is off")
            }
        }
        var loads = Set(phones.defaultLoads.values)
        var images: [String: String] = [:]  // file -> step
        for (model, steps) in phones.upgradePaths {
            switch PhoneVendor.of(model: model) {
            case .yealink?: for step in steps { images[YealinkProfile.firmwareFile(step)] = step }
            case .polycom?: for step in steps { images[PolycomProfile.imageFile(step)] = step }
            default: loads.formUnion(steps)
            }
        }
        // A Yealink or Polycom step is one image (`<step>.rom`, `<step>.sip.ld`) in the root.
        for (name, image) in images.sorted(by: { $0.key < $1.key }) {
            guard let (path, caseMatched) = try? disk.resolve([name]) else {
                findings.append("\(file): firmware \(image): \(name) is not in \(tftp.root)")
                continue
            }
            if caseMatched {
                caseNote("\(file): firmware \(image): \(name) is on disk as \((path as NSString).lastPathComponent)")
            }
        }
        for load in loads.sorted() {
            let where_ = "\(file): load \(load)"
            guard let resolved = try? disk.resolve([load + ".loads"]),
                let bytes = FileManager.default.contents(atPath: resolved.0)
            else {
                findings.append("\(where_): \(load).loads is not in \(tftp.root)")
                continue
            }
            let (path, caseMatched) = resolved
            if caseMatched {
                caseNote("\(where_): \(load).loads is on disk as \((path as NSString).lastPathComponent)")
            }
            let parsed = LoadsFile(bytes: Array(bytes))
            if parsed.components.isEmpty { findings.append("\(where_): \(load).loads lists no files") }
            for component in parsed.components {
                guard let found = try? disk.resolve([component.name]) else {
                    if !component.optional { findings.append("\(where_): component \(component.name) is missing") }
                    continue
                }
                let (componentPath, componentCase) = found
                if componentCase {
                    caseNote(
                        "\(where_): component \(component.name) is on disk as \((componentPath as NSString).lastPathComponent)"
                    )
                }
                if let size = component.size,
                    let actual = try? FileManager.default.attributesOfItem(atPath: componentPath)[.size] as? Int,
                    actual != size
                {
                    findings.append(
                        "\(where_): component \(component.name) is \(actual) bytes, the .loads says \(size)")
                }
            }
        }
        return findings
    }
}
