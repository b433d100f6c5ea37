import Foundation
import Hummingbird
import WireSupport

/// `web.token` checks (issue 7: "bearer or cookie login"). Three ways in:
/// - `Authorization: Bearer TOKEN`, for curl and Prometheus;
/// - the `dialtone_token` cookie, which a browser gets from the login form at `/` or from a first visit
///   with `?token=TOKEN`; it is HttpOnly and SameSite=Strict, so page scripts and other sites never see
///   or send it, and `EventSource` (which cannot set headers) is covered too;
/// - `?token=TOKEN` on any request, form-encoded (`+` or `%20` for a space, `%2B` for a plus).
/// The decoding and the comparison are WireSupport's `FormQuery` (pure, fuzzed).
/// `/healthz` stays open for load balancers. An unauthenticated browser asking for `/` gets the login
/// form rather than a bare 401.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "dialtone_token" }
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        let bearer = request.headers[.authorization].map { FormQuery.matches($0, "Bearer \(token)") } ?? false
        let cookie =
            request.cookies[Self.cookieName].map {
                FormQuery.matches(FormQuery.percentDecoded($0.value) ?? "", token)
            } ?? false
        let given = FormQuery.value("token", query: request.uri.query)
        let query = given.map { FormQuery.matches($0, token) } ?? false
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
