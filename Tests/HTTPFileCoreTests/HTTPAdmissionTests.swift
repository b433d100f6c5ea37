import HTTPFileCore
import Testing

/// The request target becomes the same components TFTP would look up, or a refusal with its status.
struct HTTPAdmissionTests {
    static let admitted: [(String, String, [String])] = [
        ("GET", "/SEP001E7A2554A1.cnf.xml", ["SEP001E7A2554A1.cnf.xml"]),
        ("HEAD", "/images/undionly.kpxe", ["images", "undionly.kpxe"]),
        ("GET", "/boot%20files/a%2Bb.efi?x=1", ["boot files", "a+b.efi"]),  // decoded; the query ignored
        ("GET", "//double//slash/./x", ["double", "slash", "x"]),
        ("GET", "/a%5Cb", ["a", "b"]),  // an encoded backslash is a separator, as over TFTP
        ("GET", "/C:%5Ctftp%5Cx.bin", ["tftp", "x.bin"]),
    ]

    @Test(arguments: admitted) func admits(_ method: String, _ target: String, _ components: [String]) throws {
        let result = try HTTPAdmission.admit(method: method, target: target).get()
        #expect(result.components == components)
        #expect(result.method.rawValue == method)
    }

    static let refused: [(String, String, Int)] = [
        ("POST", "/x", 405), ("PUT", "/x", 405), ("DELETE", "/x", 405), ("get", "/x", 405),
        ("GET", "/", 404), ("GET", "/?list", 404),
        ("GET", "/../etc/passwd", 400), ("GET", "/a/%2e%2e/%2e%2e/etc/passwd", 400), ("GET", "/a/..%5C..%5Cx", 400),
        ("GET", "/x%00.bin", 400), ("GET", "/x%zz", 400), ("GET", "/x%4", 400), ("GET", "/%ff%fe", 400),
    ]

    @Test(arguments: refused) func refuses(_ method: String, _ target: String, _ status: Int) {
        guard case .failure(let refusal) = HTTPAdmission.admit(method: method, target: target) else {
            Issue.record("\(method) \(target) was admitted")
            return
        }
        #expect(refusal.status == status)
    }

    /// Not "File not found": the diagnosis counts those as missing files, and `/` names none.
    @Test func theRootIsNotAMissingFile() {
        guard case .failure(let refusal) = HTTPAdmission.admit(method: "GET", target: "/") else {
            Issue.record("admitted")
            return
        }
        #expect(refusal.reason == "no file named: the root is not listed")
    }
}
