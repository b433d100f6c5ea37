import WireSupport

/// What a subnet or a class says about network boot: the boot file (the BOOTP `file` field and option 67
/// together), one per client architecture, the iPXE script, and the TFTP server (siaddr, RFC 2131 §2).
public struct NetbootConfiguration: Hashable, Sendable {
    /// `boot_file`: for any client the other keys do not decide for. Nil when not given (or empty).
    public var bootFile: String?
    /// `boot_files`: by option 93 client architecture code (RFC 4578 §2.1).
    public var bootFilesByArchitecture: [UInt16: String]
    /// `ipxe_script`: a file name or a URL, for clients whose user class (option 77, RFC 3004) is `iPXE`,
    /// so iPXE gets its script instead of the iPXE binary again (a chainload loop).
    public var ipxeScript: String?
    /// `next_server`: siaddr.
    public var nextServer: IPv4Address?

    public init(
        bootFile: String? = nil, bootFilesByArchitecture: [UInt16: String] = [:], ipxeScript: String? = nil,
        nextServer: IPv4Address? = nil
    ) {
        self.bootFile = bootFile
        self.bootFilesByArchitecture = bootFilesByArchitecture
        self.ipxeScript = ipxeScript
        self.nextServer = nextServer
    }

    /// Nothing about boot files is said here (next_server aside).
    public var namesNoBootFile: Bool { bootFile == nil && bootFilesByArchitecture.isEmpty && ipxeScript == nil }

    /// Names for option 93 values, as `boot_files` keys (RFC 4578 §2.1 and the IANA "Processor Architecture
    /// Types" registry). `efi64` covers 7 (EFI BC, in practice x86-64: OVMF sends it) and 9 (EFI x86-64);
    /// a number as the key names one code and wins over a name covering it.
    public static let architectureNames: [(name: String, codes: [UInt16])] = [
        ("bios", [0]), ("efi32", [6]), ("efi64", [7, 9]), ("arm32", [10]), ("arm64", [11]), ("http64", [16]),
    ]
}
