import Foundation
import FuzzSupport
import WireSupport

/// libFuzzer entry point for what the web server reads before anyone has logged in: the `?token=` query
/// value (form-decoded), the `dialtone_token` cookie (percent-decoded), the token comparison, and the
/// `/api/devices/:mac` path parameter. Input: the text is split at its first NUL into a query and a second
/// string used as cookie, token and path parameter.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let query = String(decoding: bytes[..<split], as: UTF8.self)
    let other = String(decoding: bytes[min(split + 1, bytes.count)...], as: UTF8.self)
    checkDecoding(query)
    checkDecoding(other)
    checkForm(query, token: other)
    checkMAC(other)
    return 0
}

/// The pure decoder replaced Foundation's `removingPercentEncoding` in the middleware: they must agree, but
/// for one case found here: escapes that decode to invalid UTF-8 give nil from ours always, while Foundation
/// on Linux refuses them in ASCII text and repairs them to U+FFFD when the text holds other non-ASCII
/// characters (`é%A9` reads `é\u{FFFD}`). A token never holds a repaired byte, so nil is the right answer.
/// Decoding what Foundation encodes must give the text back.
private func checkDecoding(_ text: String) {
    let ours = FormQuery.percentDecoded(text)
    let foundation = text.removingPercentEncoding
    let repaired = foundation.map { $0.unicodeScalars.filter { $0 == "\u{FFFD}" }.count } ?? 0
    let agree = ours == foundation || (ours == nil && repaired > text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count)
    require(agree, "`\(text)`: \(String(describing: ours)) vs Foundation's \(String(describing: foundation))")
    let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
    require(encoded.flatMap(FormQuery.percentDecoded) == text, "`\(text)` does not survive encode then decode")
}

/// A value found is the first `token=` pair, form-decoded; a token compares equal only to itself; and a
/// token put in a query the way the login form sends it comes back whole, wherever it sits in the query.
private func checkForm(_ query: String, token: String) {
    if let value = FormQuery.value("token", query: query) {
        require(query.utf8.split(separator: UInt8(ascii: "&")).contains { $0.starts(with: "token=".utf8) }, "pair")
        require(value.utf8.count <= query.utf8.count, "`\(value)` longer than its query")
    }
    require(FormQuery.matches(token, token), "a token does not match itself")
    let equal = query.utf8.elementsEqual(token.utf8)
    require(FormQuery.matches(query, token) == equal, "matches disagrees with byte equality")
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    guard let encoded = token.addingPercentEncoding(withAllowedCharacters: allowed) else { return }
    let formEncoded = encoded.replacingOccurrences(of: "%20", with: "+")
    let sent = "a=1&token=\(formEncoded)&token=ignored"
    require(FormQuery.value("token", query: sent) == token, "`\(token)` sent as `\(sent)` did not come back")
}

/// A MAC in any notation the API accepts prints in one spelling that parses back to it.
private func checkMAC(_ text: String) {
    guard let mac = MACAddress(text) else { return }
    require(MACAddress(mac.description) == mac, "`\(text)` read as \(mac), which does not re-parse")
    require(MACAddress(mac.compactUppercase) == mac, "compact form of \(mac) does not re-parse")
}
