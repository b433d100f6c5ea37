import ArgumentParser
import DialtoneConfig
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config and the TFTP root; one line per finding, exit 1 if any.",
        discussion: """
            An invalid config exits 2 with every error (file:line:column: key: problem). A valid config is \
            then checked against the machine: the TFTP root exists and is readable, the state directory can \
            be created. Firmware bundle checks (every file each .loads names) come with issue #6.
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
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: config.stateDirectory, isDirectory: &isDirectory) {
            if !isDirectory.boolValue || !fm.isWritableFile(atPath: config.stateDirectory) {
                findings.append("\(config.sourceFile): state_dir: \(config.stateDirectory) is not a writable directory")
            }
        }
        for line in findings { print(line) }
        if !findings.isEmpty { throw ExitCode(1) }
        print("\(config.sourceFile): ok (services: \(config.enabledServices.joined(separator: ", ")))")
    }
}
