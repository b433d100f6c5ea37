import DHCPWire
import DialtoneConfig
import WireSupport

/// One decision for the boot file a reply names, so the BOOTP `file` field (RFC 2131 §2) and option 67
/// (RFC 2132 §9.5) can never disagree: iPXE reads the file field first, and a file field still naming the
/// iPXE binary beside an option 67 naming the script makes it chainload itself forever (issue 16).
struct BootChoice: Hashable {
    /// The file both the `file` field and option 67 carry; nil: neither is set.
    var file: String?
    /// siaddr: the class's next_server, else the subnet's, else ours when we serve TFTP.
    var nextServer: IPv4Address?
    /// What decided `file`, for the event: "class ipxe_script", "subnet boot_files[7]", ...
    var reason: String?
    /// Option 60 for the reply: `HTTPClient` when `file` is a UEFI HTTP Boot URL (HTTPBoot).
    var vendorClass: String?

    /// The user class iPXE sends (option 77, RFC 3004; iPXE's `user-class` setting defaults to it).
    static let ipxeUserClass = "iPXE"

    /// Class over subnet; within each, an iPXE client gets the script, else the file for its option 93
    /// architecture (RFC 4578 §2.1, the first code it lists that has one), else `boot_file`. A class that sets
    /// option 67 through `options:` and names no boot file of its own decides with that value.
    ///
    /// A UEFI HTTP Boot client (option 60 `HTTPClient...`) then gets that file as a URL (HTTPBoot).
    init(
        request: DHCPMessage, subnet: SubnetConfiguration?, matchedClass: ClientClassConfiguration?,
        tftpAddress: IPv4Address?, http: HostPort? = nil, serverAddress: IPv4Address = .any
    ) {
        choose(request: request, subnet: subnet, matchedClass: matchedClass, tftpAddress: tftpAddress)
        guard let chosen = file, HTTPBoot.isClient(vendorClass: request.options.vendorClass) else { return }
        let boot = HTTPBoot(file: chosen, http: http, serverAddress: serverAddress)
        reason = (reason ?? "") + ", HTTP Boot: " + boot.reason
        if let url = boot.url { (file, vendorClass) = (url, HTTPBoot.vendorClass) }
    }

    private mutating func choose(
        request: DHCPMessage, subnet: SubnetConfiguration?, matchedClass: ClientClassConfiguration?,
        tftpAddress: IPv4Address?
    ) {
        nextServer = matchedClass?.netboot.nextServer ?? subnet?.nextServer ?? tftpAddress
        // Options 77 and 93 are parsed only when a level has a script or per-architecture files to choose
        // between, and a level's name is written only for the choice made: most replies name no boot file,
        // and parsing and naming up front cost ~1.5k instructions per reply (callgrind, bench/dhcp).
        var client: (isIPXE: Bool, architectures: [UInt16])?
        func decide(_ level: () -> String, _ netboot: NetbootConfiguration) -> Bool {
            if client == nil, netboot.ipxeScript != nil || !netboot.bootFilesByArchitecture.isEmpty {
                client = (request.options.userClasses.contains(Self.ipxeUserClass), request.options.clientArchitectures)
            }
            if let client, client.isIPXE, let script = netboot.ipxeScript {
                (file, reason) = (script, "\(level()) ipxe_script")
                return true
            }
            if let client, let arch = client.architectures.first(where: { netboot.bootFilesByArchitecture[$0] != nil })
            {
                (file, reason) = (netboot.bootFilesByArchitecture[arch], "\(level()) boot_files[\(arch)]")
                return true
            }
            if let bootFile = netboot.bootFile, !bootFile.isEmpty {
                (file, reason) = (bootFile, "\(level()) boot_file")
                return true
            }
            return false
        }
        if let matchedClass {
            var netboot = matchedClass.netboot
            if netboot.namesNoBootFile, let option = matchedClass.options.last(where: { $0.code == .bootFileName }) {
                netboot.bootFile = Self.text(option.value)
            }
            if decide({ "class \(matchedClass.name)" }, netboot) { return }
        }
        if let subnet {
            var netboot = subnet.netboot
            if netboot.bootFile == nil, let option = subnet.options.last(where: { $0.code == .bootFileName }) {
                netboot.bootFile = Self.text(option.value)
            }
            _ = decide({ "subnet" }, netboot)
        }
    }

    /// The `file` field's bytes: the name, or nothing when it does not fit the 128-byte field with its NUL.
    /// A long URL then goes in option 67 alone, rather than a truncated name that disagrees with it.
    var fileField: [UInt8] {
        guard let file, file.utf8.count <= 127 else { return [] }
        return Array(file.utf8)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
