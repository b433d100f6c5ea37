import Synchronization

/// A running service's settings that a reload (SIGHUP) may replace without stopping it. The service reads
/// `value` where it decides (per packet, per request) and may register how to take a new value on its own
/// thread (an event loop); a reload calls `update`. What may be replaced at all is ReloadPlan's decision,
/// not this box's: it only hands values over.
public final class LiveSettings<Value: Sendable>: Sendable {
    private struct State {
        var value: Value
        var apply: (@Sendable (Value) -> Void)?
    }
    private let state: Mutex<State>

    public init(_ value: Value) { state = Mutex(State(value: value)) }

    /// The settings in force now.
    public var value: Value { state.withLock { $0.value } }

    /// Registers how the running service takes a new value, and calls it once with the current one, so a
    /// reload that came between the service's start and this call is not lost.
    public func onUpdate(_ apply: @escaping @Sendable (Value) -> Void) {
        let current = state.withLock { s -> Value in
            s.apply = apply
            return s.value
        }
        apply(current)
    }

    /// Stores the new value, then hands it to the running service (outside the lock: it may hop threads).
    public func update(_ value: Value) {
        let apply = state.withLock { s -> (@Sendable (Value) -> Void)? in
            s.value = value
            return s.apply
        }
        apply?(value)
    }
}
