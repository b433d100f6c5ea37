import TFTPCore
import Testing

@Suite struct TFTPPathTests {
    @Test(arguments: [
        ("term70.default.loads", ["term70.default.loads"]),
        ("/tftpboot/SEP001E7A2554A1.cnf.xml", ["tftpboot", "SEP001E7A2554A1.cnf.xml"]),
        ("C:\\TFTP-Root\\Jar70sccp.bin", ["TFTP-Root", "Jar70sccp.bin"]),
        ("\\\\dir\\.\\file", ["dir", "file"]),
        ("a//b/./c", ["a", "b", "c"]),
    ])
    func accepted(_ name: String, _ expected: [String]) throws {
        #expect(try TFTPPath.components(of: name) == expected)
    }

    @Test(arguments: [
        "../etc/passwd", "..\\..\\canary", "a/../../b", "/..", "", "/", "a\0b", String(repeating: "x", count: 1025),
    ])
    func refused(_ name: String) {
        #expect(throws: TFTPPath.Refusal.self) { try TFTPPath.components(of: name) }
    }
}
