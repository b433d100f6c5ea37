/// The media type for a served file, by its extension. The clients here read bytes whatever the type says
/// (firmware, iPXE, UEFI), but browsers and curl users see a config as text; unknown types are
/// application/octet-stream (RFC 9110 §8.3: a sender that does not know the type should omit it or use this).
public enum ContentType {
    static let byExtension: [String: String] = [
        "xml": "text/xml; charset=utf-8", "cnf": "text/plain; charset=utf-8", "txt": "text/plain; charset=utf-8",
        "ipxe": "text/plain; charset=utf-8", "cfg": "text/plain; charset=utf-8", "loads": "text/plain; charset=utf-8",
        "html": "text/html; charset=utf-8", "json": "application/json",
        // UEFI 2.x, "HTTP Boot": application/efi names an EFI image (the firmware accepts octet-stream too).
        "efi": "application/efi", "iso": "application/x-iso9660-image",
    ]

    public static func of(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return "application/octet-stream" }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
