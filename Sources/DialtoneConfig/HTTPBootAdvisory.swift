/// A UEFI HTTP Boot client (option 93 = 16, `http64`) is answered with a URL on the HTTP file service
/// (docs/dhcp.md, "Network boot"). A plain file name for it with no `http` section cannot become one: the
/// firmware gets an ordinary reply and skips it. The config is valid, so `dialtone check` says so as an
/// advisory, with the place.
enum HTTPBootAdvisory {
    static let httpArchitecture: UInt16 = 16

    static func advisories(_ dhcp: DHCPConfiguration, section: ConfigSection, file: String) -> [ConfigError] {
        var out: [ConfigError] = []
        func check(_ netboot: NetbootConfiguration, _ list: String, _ index: Int, owner: String) {
            guard let name = netboot.bootFilesByArchitecture[httpArchitecture], !name.contains("://") else { return }
            var mark: SourceMark?
            if case .sequence(let nodes)? = section.node(list)?.value, index < nodes.count,
                case .mapping(let entries) = nodes[index].value
            {
                mark = entries.first { $0.key == "boot_files" }?.value.mark ?? nodes[index].mark
            }
            out.append(
                ConfigError(
                    file: file, mark: mark, keyPath: "\(section.childPath(list))[\(index)].boot_files",
                    message:
                        "\(owner) names `\(name)` for UEFI HTTP Boot (http64, option 93 = 16), but there is no "
                        + "`http` section to serve it: those clients need a URL. Add `http: { listen: [\":8080\"] }` "
                        + "or give the file as a URL"))
        }
        for (index, subnet) in dhcp.subnets.enumerated() {
            check(subnet.netboot, "subnets", index, owner: "subnet \(subnet.subnet)")
        }
        for (index, cls) in dhcp.classes.enumerated() {
            check(cls.netboot, "classes", index, owner: "class `\(cls.name)`")
        }
        return out
    }
}
