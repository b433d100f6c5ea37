import Testing
import WireSupport

/// The web token's decoding (moved from the HTTP middleware so it is pure and fuzzed).
struct FormQueryTests {
    @Test func tokenFromALoginFormIsFormDecoded() {
        #expect(FormQuery.value("token", query: "token=s3cret+%2B%2F%3D%3B%2C%C3%A9") == "s3cret +/=;,é")
        #expect(FormQuery.value("token", query: "a=1&token=x%20y") == "x y")
        #expect(FormQuery.value("token", query: "tokens=1") == nil)
        #expect(FormQuery.value("token", query: "token") == nil)
        #expect(FormQuery.value("token", query: "token=") == "")
        #expect(FormQuery.value("token", query: "token=a=b") == "a=b")
        #expect(FormQuery.value("token", query: nil) == nil)
    }

    @Test func aBrokenEscapeOrInvalidUTF8IsNoValue() {
        #expect(FormQuery.percentDecoded("100%") == nil)
        #expect(FormQuery.percentDecoded("%4") == nil)
        #expect(FormQuery.percentDecoded("%zz") == nil)
        #expect(FormQuery.percentDecoded("%C3") == nil)
        #expect(FormQuery.percentDecoded("%c3%A9") == "é")
        #expect(FormQuery.percentDecoded("plain") == "plain")
    }

    /// A combining mark after `&` makes one Character of `&\u{301}`: splitting on Characters would miss the pair.
    @Test func pairsAreSplitOnBytes() {
        #expect(FormQuery.value("token", query: "a=1&\u{301}&token=x") == "x")
        #expect(FormQuery.value("\u{301}token", query: "a=1&\u{301}token=x") == "x")
    }

    @Test func tokensCompareWhole() {
        #expect(FormQuery.matches("s3cret", "s3cret"))
        #expect(!FormQuery.matches("s3creT", "s3cret"))
        #expect(!FormQuery.matches("s3cret ", "s3cret"))
        #expect(!FormQuery.matches("", "s3cret"))
    }
}
