import FuzzSupport
import Provisioning

/// libFuzzer entry point for Cisco `.loads` files, which admins copy from firmware bundles of any age and
/// origin. Any bytes must parse (a `.loads` is served as it is, so the reader is lenient) into a header
/// inside the file and components that are single words; and a file made by `synthesize` from names the
/// fuzzer picks must read back as those names, under its signed name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let loads = LoadsFile(bytes: bytes)
    require(loads.headerLength >= 0 && loads.headerLength <= bytes.count, "header of \(loads.headerLength) bytes")
    require(loads.signedName == nil || loads.headerLength > 0, "a signed name without a header")
    for component in loads.components {
        require(!component.name.isEmpty, "an empty component name")
        require(!component.name.contains(where: { $0 == " " || $0 == "\t" || $0.isNewline }), "`\(component.name)`")
        require(component.md5 == nil || component.md5!.count == 32, "md5 `\(component.md5!)`")
    }
    require(loads.requiredComponents.allSatisfy { !$0.optional }, "an optional component is required")
    roundTrip(bytes)
    return 0
}

/// The input's words as a load name and component names: what `dialtone demo` builds, read back.
private func roundTrip(_ bytes: [UInt8]) {
    let words = String(decoding: bytes, as: UTF8.self)
        .split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline || $0 == "\0" })
        .map(String.init)
        .filter { !$0.hasPrefix("#") && !$0.contains("=") }
    guard let name = words.first, name.utf8.count < 200 else { return }
    let components = Array(words.dropFirst().prefix(20))
    let made = LoadsFile(bytes: LoadsFile.synthesize(name: name, components: components))
    require(made.signedName == name, "signed name `\(made.signedName ?? "nil")`, made as `\(name)`")
    require(made.components.map(\.name) == components, "components \(made.components.map(\.name)) != \(components)")
}
