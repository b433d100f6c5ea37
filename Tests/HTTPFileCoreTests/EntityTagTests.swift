import HTTPFileCore
import Testing

struct EntityTagTests {
    @Test func diskTagsChangeWithSizeOrTime() {
        let tag = EntityTag.file(size: 4096, modifiedNanoseconds: 1_700_000_000_123_456_789)
        #expect(tag.description == "\"1000-17979cfe3d85cd15\"")
        #expect(tag != .file(size: 4097, modifiedNanoseconds: 1_700_000_000_123_456_789))
        #expect(tag != .file(size: 4096, modifiedNanoseconds: 1_700_000_000_123_456_790))
    }

    /// FNV-1a 64's published vectors: the tag of a generated config is the same on every server and run.
    @Test func contentTagsAreFNV1a64() {
        #expect(EntityTag.content([]).opaque == "gcbf29ce484222325")
        #expect(EntityTag.content(Array("a".utf8)).opaque == "gaf63dc4c8601ec8c")
        #expect(EntityTag.content(Array("foobar".utf8)).opaque == "g85944171f73967e8")
    }

    @Test func listsParseAndCompare() {
        #expect(EntityTag.list("*") == .any)
        #expect(
            EntityTag.list(" \"a\", W/\"b\" ")
                == .tags([EntityTag(opaque: "a"), EntityTag(opaque: "b", weak: true)]))
        #expect(EntityTag.list("a") == nil)
        #expect(EntityTag.list("\"a") == nil)
        #expect(EntityTag.list("") == nil)
        let strong = EntityTag(opaque: "x"), weak = EntityTag(opaque: "x", weak: true)
        #expect(strong.matches(weak, strong: false) && !strong.matches(weak, strong: true))
        #expect(strong.matches(strong, strong: true))
    }

    @Test(arguments: [
        ("SEP001E7A2554A1.cnf.xml", "text/xml; charset=utf-8"), ("ipxe.EFI", "application/efi"),
        ("boot.ipxe", "text/plain; charset=utf-8"), ("undionly.kpxe", "application/octet-stream"),
        ("noext", "application/octet-stream"), ("dir.d/noext", "application/octet-stream"),
    ])
    func contentTypes(_ name: String, _ type: String) {
        #expect(ContentType.of(name) == type)
    }
}
