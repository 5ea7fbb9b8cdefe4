import Synchronization

/// Counters of an ``HTTPServer`` since it started (for `/metrics`).
public struct HTTPServerStats: Sendable, Equatable {
    /// Connections accepted.
    public var connectionsAccepted: Int
    /// Connections closed at once because ``HTTPServerConfiguration/maxConnections`` was reached.
    public var refusedConnections: Int
    /// Connections open now.
    public var connectionsOpen: Int
    /// Requests handed to the handler.
    public var requests: Int
    /// Requests refused for bad input (4xx/5xx from the parser or limits).
    public var rejectedRequests: Int
    /// Connections answered 408 (header or body deadline).
    public var timeouts: Int
}

/// The atomics behind ``HTTPServerStats`` for one loop (written on the loop, read anywhere).
final class HTTPServerCounters: Sendable {
    let accepted = Atomic<Int>(0)
    let open = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)
    let timeouts = Atomic<Int>(0)
    /// Whether this loop's listening socket is registered (false before start and after shutdown begins).
    let listening = Atomic<Bool>(false)
}
