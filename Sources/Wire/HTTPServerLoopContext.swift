#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// The part of an ``HTTPServer`` that lives on one event loop: its listening socket (SO_REUSEPORT;
/// with a single acceptor only the first loop's context listens and hands fds to the others),
/// its connections, and a read scratch buffer shared by them.
/// - Warning: everything runs on `loop`'s thread, except `init`.
final class HTTPServerLoopContext: EventHandler, @unchecked Sendable {
    // @unchecked Sendable: mutable state is confined to `loop`'s thread; `counters` are atomics.
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    let handler: @Sendable (HTTPServerRequest) -> Void
    let readScratch: UnsafeMutableRawBufferPointer
    let counters = HTTPServerCounters()
    private var listenFD: Int32
    private var connections: [Int32: HTTPServerConnection] = [:]
    private(set) var shuttingDown = false
    private var acceptPaused = false
    /// All contexts of the server, for the single-acceptor strategy; set before listening starts.
    var siblings: [HTTPServerLoopContextBox] = []
    private var nextSibling = 0

    /// This loop's share of the connection cap.
    let maxConnections: Int

    init(loop: EventLoop, listenFD: Int32, configuration: HTTPServerConfiguration,
         handler: @escaping @Sendable (HTTPServerRequest) -> Void, maxConnections: Int) {
        self.loop = loop
        self.maxConnections = maxConnections
        self.listenFD = listenFD
        self.configuration = configuration
        self.handler = handler
        readScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
    }

    deinit {
        readScratch.deallocate()
    }

    /// Live connections on this loop.
    var liveConnections: Int { counters.open.load(ordering: .relaxed) }

    func startListening() throws(WireError) {
        guard listenFD >= 0 else { return }
        try loop.register(fd: listenFD, events: UInt32(csystem_EPOLLIN), handler: self)
        counters.listening.store(true, ordering: .releasing)
    }

    func handleEvents(_ events: UInt32) {
        if shuttingDown || acceptPaused { return }
        for _ in 0..<64 {
            let fd: Int32?
            do {
                fd = try Socket.accept(listenFD)
            } catch {
                // Out of descriptors (EMFILE/ENFILE) or similar: stop accepting briefly rather than spin.
                acceptPaused = true
                loop.modify(fd: listenFD, events: 0)
                loop.scheduleTimer(deadlineNanoseconds: MonotonicClock.nowNanoseconds() + 100_000_000) { [weak self] in
                    guard let self, !self.shuttingDown else { return }
                    self.acceptPaused = false
                    self.loop.modify(fd: self.listenFD, events: UInt32(csystem_EPOLLIN))
                }
                return
            }
            guard let fd else { return }
            if siblings.count > 1 {
                // Single acceptor: hand the fd to the next loop, round robin.
                let target = siblings[nextSibling % siblings.count].context
                nextSibling += 1
                if target === self {
                    adopt(fd)
                } else {
                    let transfer = FileDescriptorTransfer(fd: fd)
                    target.loop.execute { target.adopt(transfer.fd) }
                }
            } else {
                adopt(fd)
            }
        }
    }

    /// Takes ownership of an accepted socket on this loop.
    func adopt(_ fd: Int32) {
        if shuttingDown {
            close(fd)
            return
        }
        if connections.count >= maxConnections {
            counters.refused.wrappingAdd(1, ordering: .relaxed)
            close(fd)
            return
        }
        let connection = HTTPServerConnection(fd: fd, loop: loop, context: self)
        do {
            try loop.register(fd: fd, events: UInt32(csystem_EPOLLIN), handler: connection)
        } catch {
            close(fd)
            return
        }
        connections[fd] = connection
        counters.open.wrappingAdd(1, ordering: .relaxed)
        counters.accepted.wrappingAdd(1, ordering: .relaxed)
        connection.start()
    }

    func connectionClosed(_ connection: HTTPServerConnection) {
        if connections.removeValue(forKey: connection.fd) != nil {
            counters.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    /// Stops accepting and closes idle connections; busy ones close after their response.
    func beginShutdown() {
        guard !shuttingDown else { return }
        shuttingDown = true
        siblings = []   // breaks the context ↔ context reference cycle
        if listenFD >= 0 {
            loop.deregister(fd: listenFD)
            close(listenFD)
            listenFD = -1
            counters.listening.store(false, ordering: .releasing)
        }
        for fd in connections.keys.sorted() {
            connections[fd]?.beginShutdown()
        }
    }

    /// Cuts every remaining connection.
    func forceClose() {
        beginShutdown()
        for fd in connections.keys.sorted() {
            connections[fd]?.close()
        }
    }
}

/// An accepted fd in flight from the acceptor loop to its owner loop (a plain integer; ownership
/// passes with the closure).
struct FileDescriptorTransfer: Sendable {
    let fd: Int32
}
