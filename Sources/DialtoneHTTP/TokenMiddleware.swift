import Foundation
import Hummingbird

/// `web.token` checks (issue 7: "bearer or cookie login"). Three ways in:
/// - `Authorization: Bearer TOKEN`, for curl and Prometheus;
/// - the `dialtone_token` cookie, which a browser gets from the login form at `/` or from a first visit
///   with `?token=TOKEN`; it is HttpOnly and SameSite=Strict, so page scripts and other sites never see
///   or send it, and `EventSource` (which cannot set headers) is covered too;
/// - `?token=TOKEN` on any request, form-encoded (`+` or `%20` for a space, `%2B` for a plus).
/// `/healthz` stays open for load balancers. An unauthenticated browser asking for `/` gets the login
/// form rather than a bare 401.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "dialtone_token" }
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        let bearer = request.headers[.authorization].map { matches($0, "Bearer \(token)") } ?? false
        let cookie =
            request.cookies[Self.cookieName].map { matches($0.value.removingPercentEncoding ?? "", token) } ?? false
        let given = Self.formValue("token", query: request.uri.query)
        let query = given.map { matches($0, token) } ?? false
        guard bearer || cookie || query else {
            if request.uri.path == "/", request.method == .get {
                let failed = given != nil
                return Response(
                    status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: Self.loginPage(failed: failed))))
            }
            throw HTTPError(
                .unauthorized, message: "web.token required: send Authorization: Bearer <token>, or log in at /")
        }
        // A browser logging in at `/?token=...` is sent back to `/` with the cookie, so the token does not
        // stay in the address bar or the history.
        if query && !cookie && !bearer && request.uri.path == "/" && request.method == .get {
            var redirect = Response(status: .seeOther, headers: [.location: "/"])
            redirect.setCookie(Self.cookie(token))
            return redirect
        }
        var response = try await next(request, context)
        if query && !cookie {
            response.setCookie(Self.cookie(token))
        }
        return response
    }

    /// Percent-encoded: a token may hold characters a cookie value cannot (RFC 6265 section 4.1.1).
    static func cookie(_ token: String) -> Cookie {
        let value = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return Cookie(name: cookieName, value: value, path: "/", httpOnly: true, sameSite: .strict)
    }

    /// A query parameter decoded as an HTML form encodes it (`+` is a space, then percent escapes): the
    /// login form submits the token that way, and Hummingbird's own decoding leaves `+` alone.
    static func formValue(_ name: String, query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    /// Constant time in the token's length: the comparison does not stop at the first different byte.
    func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func loginPage(failed: Bool) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Dialtone: log in</title><style>body{font:15px system-ui,sans-serif;margin:3em auto;max-width:22em;padding:0 1em}
        input{font:inherit;padding:.4em;width:100%;box-sizing:border-box;margin:.4em 0}.bad{color:#b00}</style></head>
        <body><h1>Dialtone</h1><form method="get" action="/"><label>Web token (<code>web.token</code> in the config)
        <input type="password" name="token" autofocus></label><input type="submit" value="Log in"></form>
        \(failed ? "<p class=\"bad\">Wrong token.</p>" : "")</body></html>
        """
    }
}
