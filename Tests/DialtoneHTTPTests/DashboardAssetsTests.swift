import Hummingbird
import Testing

@testable import DialtoneHTTP

/// The dashboard's files as the binary embeds them (Package.swift, `.embedInCode`), and their caching.
struct DashboardAssetsTests {
    func text(_ asset: Dashboard.Asset) -> String { String(decoding: asset.bytes, as: UTF8.self) }

    @Test func thePageLinksTheEmbeddedFilesAndNothingElse() {
        let page = text(Dashboard.page)
        #expect(page.hasPrefix("<!doctype html>") && page.contains("<title>Dialtone</title>"))
        // The routes Dashboard.addRoutes serves: renaming a file on one side only breaks the page.
        #expect(page.contains(#"<link rel="stylesheet" href="/dashboard.css">"#))
        #expect(page.contains(#"<script src="/dashboard.js" defer></script>"#))
        #expect(text(Dashboard.script).contains("/api/devices") && text(Dashboard.stylesheet).contains("@media"))
        // Offline and self-contained: no file names another host (a CDN, a font service).
        for asset in [Dashboard.page, Dashboard.stylesheet, Dashboard.script] {
            #expect(!text(asset).contains("://"), "\(asset.contentType) refers to another host")
        }
    }

    @Test func theScriptReadsTheSnakeCaseTransferKeys() {
        let script = text(Dashboard.script)
        #expect(script.contains("x.block_size") && script.contains("x.window_size"))
        #expect(!script.contains("blockSize") && !script.contains("windowSize"))
    }

    @Test func browsersRevalidateWithTheETag() {
        let script = Dashboard.script
        let fresh = script.response(ifNoneMatch: nil)
        #expect(fresh.status == .ok)
        #expect(fresh.headers[.contentType] == "text/javascript; charset=utf-8")
        #expect(fresh.headers[.cacheControl] == "no-cache" && fresh.headers[.eTag] == script.etag)
        for header in [script.etag, "W/" + script.etag, "\"0\", " + script.etag, "*"] {
            #expect(script.response(ifNoneMatch: header).status == .notModified, "If-None-Match: \(header)")
        }
        #expect(script.response(ifNoneMatch: Dashboard.stylesheet.etag).status == .ok)
        #expect(Set([Dashboard.page.etag, Dashboard.stylesheet.etag, script.etag]).count == 3)
    }
}
