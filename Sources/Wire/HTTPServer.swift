#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// An HTTP/1.1 server on an ``EventLoopGroup``: by default one SO_REUSEPORT listening socket per
/// loop, so the kernel spreads connections over the loops and no fd is handed between threads;
/// optionally one acceptor loop handing connections round robin (``HTTPAcceptStrategy``).
///
/// The handler is called on the connection's loop thread once per request (at the end of the body,
/// or at the head for streaming requests) and must not block: answer through
/// ``HTTPServerRequest/responder`` now or later, from any thread.
public final class HTTPServer: Sendable {
    /// The configuration the server was made with.
    public let configuration: HTTPServerConfiguration
    private let group: EventLoopGroup
    private let handler: @Sendable (HTTPServerRequest) -> Void
    private let contexts = Mutex<[HTTPServerLoopContextBox]>([])
    private let boundPort = Atomic<UInt16>(0)

    /// Makes a server; nothing is bound until ``start()``.
    public init(configuration: HTTPServerConfiguration, group: EventLoopGroup,
                handler: @escaping @Sendable (HTTPServerRequest) -> Void) {
        self.configuration = configuration
        self.group = group
        self.handler = handler
    }

    /// The bound port (after ``start()``), useful when configured with port 0.
    public var port: UInt16 { boundPort.load(ordering: .acquiring) }

    /// Binds the listening socket(s) and starts accepting.
    /// - Throws: ``WireError`` when the address cannot be bound.
    /// - Warning: call from a thread that is not one of the group's loops.
    public func start() throws(WireError) {
        var address = configuration.address
        var listeners: [Int32] = []
        let listenerCount = configuration.acceptStrategy == .reusePort ? group.loops.count : 1
        for _ in 0..<listenerCount {
            do {
                let (fd, port) = try Socket.listen(on: address, reusePort: true)
                listeners.append(fd)
                address = SocketAddress(host: address.host, port: port)
            } catch {
                for fd in listeners { close(fd) }
                throw error
            }
        }
        boundPort.store(address.port, ordering: .releasing)
        var boxes: [HTTPServerLoopContextBox] = []
        for (index, loop) in group.loops.enumerated() {
            let fd = index < listeners.count ? listeners[index] : -1
            let context = HTTPServerLoopContext(loop: loop, listenFD: fd, configuration: configuration,
                                                handler: handler,
                                                maxConnections: (configuration.maxConnections + group.loops.count - 1) / group.loops.count)
            boxes.append(HTTPServerLoopContextBox(context))
        }
        if configuration.acceptStrategy == .singleAcceptor {
            // Published to the loops by the `execute` below (its queue lock orders the accesses).
            for box in boxes { box.context.siblings = boxes }
        }
        contexts.withLock { $0 = boxes }
        let failures = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        for box in boxes {
            box.context.loop.execute {
                do { try box.context.startListening() } catch { failures.wrappingAdd(1, ordering: .relaxed) }
                done.wrappingAdd(1, ordering: .releasing)
            }
        }
        while done.load(ordering: .acquiring) < boxes.count { usleep(100) }
        if failures.load(ordering: .relaxed) > 0 { throw .system(operation: "epoll register listener", errno: 0) }
    }

    /// Live connections over all loops (approximate while they change).
    public var connectionCount: Int {
        contexts.withLock { $0 }.reduce(0) { $0 + $1.context.liveConnections }
    }

    /// Whether any loop still accepts connections: true once ``start()`` returns, false as soon as
    /// ``shutdown(gracePeriodNanoseconds:)`` has closed every listening socket.
    public var isAccepting: Bool {
        contexts.withLock { $0 }.contains { $0.context.counters.listening.load(ordering: .acquiring) }
    }

    /// Counters summed over all loops (each is exact; together they are a near-simultaneous view).
    public var stats: HTTPServerStats {
        var total = HTTPServerStats(connectionsAccepted: 0, refusedConnections: 0, connectionsOpen: 0, requests: 0,
                                    rejectedRequests: 0, timeouts: 0)
        for box in contexts.withLock({ $0 }) {
            let c = box.context.counters
            total.connectionsAccepted += c.accepted.load(ordering: .relaxed)
            total.connectionsOpen += c.open.load(ordering: .relaxed)
            total.refusedConnections += c.refused.load(ordering: .relaxed)
            total.requests += c.requests.load(ordering: .relaxed)
            total.rejectedRequests += c.rejected.load(ordering: .relaxed)
            total.timeouts += c.timeouts.load(ordering: .relaxed)
        }
        return total
    }

    /// Graceful shutdown: stop accepting, close idle connections, let in-flight responses finish
    /// until the deadline, then cut the rest. Blocks until every connection is closed.
    /// - Warning: call from a thread that is not one of the group's loops.
    public func shutdown(gracePeriodNanoseconds: UInt64) {
        let boxes = contexts.withLock { $0 }
        for box in boxes { box.context.loop.execute { box.context.beginShutdown() } }
        let deadline = MonotonicClock.nowNanoseconds() &+ gracePeriodNanoseconds
        while connectionCount > 0 && MonotonicClock.nowNanoseconds() < deadline { usleep(1000) }
        for box in boxes { box.context.loop.execute { box.context.forceClose() } }
        let hardDeadline = MonotonicClock.nowNanoseconds() &+ 2_000_000_000
        while connectionCount > 0 && MonotonicClock.nowNanoseconds() < hardDeadline { usleep(1000) }
    }
}

/// Carries a loop-confined context across threads.
final class HTTPServerLoopContextBox: @unchecked Sendable {
    // @unchecked Sendable: the context is only used on its loop's thread (through `execute`), except
    // `liveConnections`, which reads an atomic.
    let context: HTTPServerLoopContext
    init(_ context: HTTPServerLoopContext) { self.context = context }
}
