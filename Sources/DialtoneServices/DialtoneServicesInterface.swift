import WireSupport

/// The IPv4 address of a named interface, for commands outside this module (e.g. `simulate --interface`).
public enum DialtoneServicesInterface {
    public static func address(of name: String) throws -> IPv4Address { try InterfaceResolver.resolve(name).address }
}
