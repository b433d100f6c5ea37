import DHCPServerCore
import NIOCore
import Synchronization
import WireSupport

/// Commands to the running DHCP engine from outside its loop (the web API's `forget`): each hops onto the
/// engine's event loop, between two packets, like a reload does. Before the engine runs, and after it
/// stopped, there is nothing to command: the calls answer nil.
public final class DHCPControl: Sendable {
    private let engine = Mutex<(loop: any EventLoop, engine: NIOLoopBound<DHCPEngine>)?>(nil)

    public init() {}

    func attach(_ engine: NIOLoopBound<DHCPEngine>, on loop: any EventLoop) {
        self.engine.withLock { $0 = (loop, engine) }
    }

    func detach() { engine.withLock { $0 = nil } }

    /// Forgets what was learned about `mac` (issue 18): true when there was something to forget, false when
    /// nothing was learned, nil when DHCP is not running.
    public func forget(_ mac: MACAddress) async -> Bool? {
        guard let running = engine.withLock({ $0 }) else { return nil }
        return try? await running.loop.submit { running.engine.value.afterJob { $0.forget(mac) } }.get()
    }
}
