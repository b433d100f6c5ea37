/// An entity tag (RFC 9110 §8.8.3) and the validators a file has. A file on disk is tagged by its size and
/// modification time (as nginx and Apache do: a replaced image gets a new tag without reading it); a
/// generated file (a phone's config) by a hash of its bytes, so an unchanged config revalidates with 304.
public struct EntityTag: Hashable, Sendable, CustomStringConvertible {
    public var opaque: String
    public var weak: Bool

    public init(opaque: String, weak: Bool = false) {
        self.opaque = opaque
        self.weak = weak
    }

    /// `"<size hex>-<mtime ns hex>"`.
    public static func file(size: Int64, modifiedNanoseconds: Int64) -> EntityTag {
        EntityTag(opaque: String(size, radix: 16) + "-" + String(modifiedNanoseconds, radix: 16))
    }

    /// FNV-1a 64 of the bytes: stable across restarts and servers, unlike a hash seeded per process.
    public static func content(_ bytes: [UInt8]) -> EntityTag {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return EntityTag(opaque: "g" + String(hash, radix: 16))
    }

    public var description: String { (weak ? "W/" : "") + "\"\(opaque)\"" }

    /// A comma-separated list of tags as in If-None-Match; `*` is `.any`. Nil when the field is malformed.
    public static func list(_ text: String) -> TagList? {
        let trimmed = text.trimmingSpaces()
        if trimmed == "*" { return .any }
        var tags: [EntityTag] = []
        for item in trimmed.split(separator: ",") {
            var part = Substring(item.trimmingSpaces())
            var weak = false
            if part.hasPrefix("W/") {
                weak = true
                part = part.dropFirst(2)
            }
            guard part.count >= 2, part.first == "\"", part.last == "\"" else { return nil }
            let opaque = part.dropFirst().dropLast()
            guard !opaque.contains("\"") else { return nil }
            tags.append(EntityTag(opaque: String(opaque), weak: weak))
        }
        return tags.isEmpty ? nil : .tags(tags)
    }

    public enum TagList: Hashable, Sendable {
        case any
        case tags([EntityTag])
    }

    /// §8.8.3.2: weak comparison (If-None-Match) ignores the W/ flags; strong comparison (If-Range) needs
    /// both tags strong.
    public func matches(_ other: EntityTag, strong: Bool) -> Bool {
        if strong && (weak || other.weak) { return false }
        return opaque == other.opaque
    }
}

/// What a response's validators are: the tag, and the modification time when the file has one.
public struct FileFacts: Hashable, Sendable {
    public var size: Int64
    public var tag: EntityTag
    /// Seconds since the epoch; nil for generated files.
    public var modified: Int64?
    public var contentType: String

    public init(size: Int64, tag: EntityTag, modified: Int64?, contentType: String) {
        (self.size, self.tag, self.modified, self.contentType) = (size, tag, modified, contentType)
    }
}
