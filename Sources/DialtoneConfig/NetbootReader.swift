import WireSupport

/// Reads the boot keys a subnet and a class share (`boot_file`, `boot_files`, `ipxe_script`, `next_server`)
/// and finds the configs where the BOOTP `file` field and option 67 would name different files.
struct NetbootReader {
    static let keys = ["boot_file", "boot_files", "ipxe_script", "next_server"]

    let scalars: ConfigScalars
    let diagnostics: ConfigDiagnostics

    func read(_ section: ConfigSection) -> NetbootConfiguration {
        NetbootConfiguration(
            bootFile: section.read("boot_file", scalars.string).flatMap { $0.isEmpty ? nil : $0 },
            bootFilesByArchitecture: section.read("boot_files", default: [:], bootFiles),
            ipxeScript: section.read("ipxe_script", scalars.string).flatMap { $0.isEmpty ? nil : $0 },
            nextServer: section.read("next_server", scalars.ipv4))
    }

    /// `{ bios: undionly.kpxe, efi64: snponly.efi, 11: arm64.efi }`: names from
    /// `NetbootConfiguration.architectureNames`, or an option 93 code (RFC 4578 §2.1), which wins over a name.
    func bootFiles(_ node: ConfigNode, _ path: String) -> [UInt16: String]? {
        guard case .mapping(let entries) = node.value else {
            diagnostics.error(
                "expected a mapping of architecture to file, e.g. { bios: undionly.kpxe, efi64: snponly.efi }",
                at: node.mark, path: path)
            return nil
        }
        let names = NetbootConfiguration.architectureNames.map(\.name)
        var byName: [UInt16: String] = [:], byCode: [UInt16: String] = [:]
        var seen: Set<String> = []
        for entry in entries {
            let keyPath = ConfigSection.join(path, entry.key)
            guard seen.insert(entry.key).inserted else {
                diagnostics.error("key `\(entry.key)` appears twice in \(path)", at: entry.keyMark, path: keyPath)
                continue
            }
            guard let file = scalars.string(entry.value, keyPath) else { continue }
            if file.isEmpty {
                diagnostics.error("give a file name for `\(entry.key)`", at: entry.value.mark, path: keyPath)
            } else if let code = UInt16(entry.key) {
                byCode[code] = file
            } else if let arch = NetbootConfiguration.architectureNames.first(where: { $0.name == entry.key }) {
                for code in arch.codes { byName[code] = file }
            } else {
                var message = "unknown architecture `\(entry.key)` in \(path)"
                if let hint = KeySuggestion.closest(to: entry.key, among: names) {
                    message += "; did you mean `\(hint)`?"
                } else {
                    message += "; use \(names.joined(separator: ", ")) or an option 93 code"
                }
                diagnostics.error(message, at: entry.keyMark, path: keyPath)
            }
        }
        return byName.merging(byCode) { $1 }
    }

    /// The issue 16 bug: a class sets option 67 through `options:` and names no boot file of its own, while a
    /// subnet's boot keys name another file. Before the core chose both from one decision, the `file` field
    /// kept the subnet's file beside the class's option 67; iPXE reads the file field first and looped.
    /// The reply now agrees, but the config still says two things, so `dialtone check` names the place.
    func advisories(subnets: [SubnetConfiguration], classes: [ClientClassConfiguration], section: ConfigSection)
        -> [ConfigError]
    {
        var out: [ConfigError] = []
        let classNodes: [ConfigNode]
        if case .sequence(let nodes)? = section.node("classes")?.value { classNodes = nodes } else { classNodes = [] }
        for (index, cls) in classes.enumerated() where cls.netboot.namesNoBootFile {
            guard let option = cls.options.last(where: { $0.code == .bootFileName }) else { continue }
            let classFile = String(decoding: option.value.prefix { $0 != 0 }, as: UTF8.self)
            let subnetFiles = subnets.flatMap { subnet in
                [subnet.bootFile] + subnet.bootFilesByArchitecture.values.sorted() + [subnet.ipxeScript ?? ""]
            }
            guard let other = subnetFiles.first(where: { !$0.isEmpty && $0 != classFile }) else { continue }
            let path = "\(section.childPath("classes"))[\(index)].options"
            let mark = index < classNodes.count ? optionMark(in: classNodes[index], code: 67) : nil
            out.append(
                ConfigError(
                    file: diagnostics.file, mark: mark, keyPath: path,
                    message:
                        "class `\(cls.name)` sets option 67 to `\(classFile)` while the subnet's boot keys name "
                        + "`\(other)` for the file field; iPXE reads the file field first and loops when they "
                        + "disagree. Set `boot_file: \(classFile)` in the class (the file field and option 67 "
                        + "together) instead of option 67"))
        }
        // The same within one subnet: `boot_file` and an option 67 in its `options:` that names another file.
        let subnetNodes: [ConfigNode]
        if case .sequence(let nodes)? = section.node("subnets")?.value { subnetNodes = nodes } else { subnetNodes = [] }
        for (index, subnet) in subnets.enumerated() where !subnet.bootFile.isEmpty {
            guard let option = subnet.options.last(where: { $0.code == .bootFileName }) else { continue }
            let optionFile = String(decoding: option.value.prefix { $0 != 0 }, as: UTF8.self)
            guard optionFile != subnet.bootFile else { continue }
            out.append(
                ConfigError(
                    file: diagnostics.file,
                    mark: index < subnetNodes.count ? optionMark(in: subnetNodes[index], code: 67) : nil,
                    keyPath: "\(section.childPath("subnets"))[\(index)].options",
                    message:
                        "subnet \(subnet.subnet) sets option 67 to `\(optionFile)` beside `boot_file: "
                        + "\(subnet.bootFile)`; replies name `\(subnet.bootFile)` in both. Drop the option 67"))
        }
        return out
    }

    /// Where `{ code: 67, ... }` sits in a class's or subnet's `options:` list.
    private func optionMark(in classNode: ConfigNode, code: Int) -> SourceMark? {
        guard case .mapping(let entries) = classNode.value,
            let options = entries.first(where: { $0.key == "options" })?.value
        else { return nil }
        guard case .sequence(let items) = options.value else { return options.mark }
        for item in items {
            guard case .mapping(let fields) = item.value,
                case .scalar(let text, _)? = fields.first(where: { $0.key == "code" })?.value.value
            else { continue }
            if Int(text) == code { return item.mark }
        }
        return options.mark
    }
}
