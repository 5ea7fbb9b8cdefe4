#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// The shared state behind ``PeerTransport``.
final class PeerTransportCore: @unchecked Sendable {
    // @unchecked Sendable: `outboundPeers` is Mutex-guarded (members come and go); `inbound` and
    // `listener` are confined to loop threads (each inbound to its own loop, tracked in a
    // Mutex-guarded registry); the rest are immutable or atomic.
    let configuration: PeerTransportConfiguration
    let group: EventLoopGroup
    let onMessages: @Sendable (UInt64, [[UInt8]]) -> Void
    let onSnapshotChunk: @Sendable (UInt64, PeerSnapshotChunk) -> Void
    private let outboundPeers: Mutex<[UInt64: PeerOutbound]>
    private let started = Atomic<Bool>(false)
    private let nextLoop = Atomic<Int>(0)

    /// The outbound side of every known peer (a copy of the current set).
    var outbound: [UInt64: PeerOutbound] { outboundPeers.withLock { $0 } }
    let listenPort = Atomic<UInt16>(0)
    let inboundRejected = Atomic<Int>(0)
    private let inbound = Mutex<[ObjectIdentifier: PeerInbound]>([:])
    private let listener = Mutex<PeerListener?>(nil)
    private let scratches: [UnsafeMutableRawBufferPointer]

    init(configuration: PeerTransportConfiguration, group: EventLoopGroup,
         onMessages: @escaping @Sendable (UInt64, [[UInt8]]) -> Void,
         onSnapshotChunk: @escaping @Sendable (UInt64, PeerSnapshotChunk) -> Void) {
        self.configuration = configuration
        self.group = group
        self.onMessages = onMessages
        self.onSnapshotChunk = onSnapshotChunk
        var outbound: [UInt64: PeerOutbound] = [:]
        // Sorted so that loop assignment does not depend on dictionary order.
        for (index, id) in configuration.peers.keys.sorted().enumerated() where id != configuration.nodeID {
            let loop = group.loops[index % group.loops.count]
            outbound[id] = PeerOutbound(peerID: id, address: configuration.peers[id]!, loop: loop, configuration: configuration)
        }
        outboundPeers = Mutex(outbound)
        nextLoop.store(outbound.count, ordering: .relaxed)
        scratches = group.loops.map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16) }
    }

    deinit {
        for s in scratches { s.deallocate() }
    }

    /// A read buffer private to `loop`'s thread.
    func readScratch(for loop: EventLoop) -> UnsafeMutableRawBufferPointer {
        for (index, candidate) in group.loops.enumerated() where candidate === loop { return scratches[index] }
        preconditionFailure("loop not in group")
    }

    func start() throws(WireError) {
        let (fd, port) = try Socket.listen(on: configuration.listenAddress, reusePort: false)
        listenPort.store(port, ordering: .releasing)
        let loop = group.loops[0]
        let listener = PeerListener(fd: fd, loop: loop, transport: self)
        self.listener.withLock { $0 = listener }
        loop.execute { try? loop.register(fd: fd, events: UInt32(csystem_EPOLLIN), handler: listener) }
        let peers = outbound
        started.store(true, ordering: .releasing)
        for id in peers.keys.sorted() {
            let peer = peers[id]!
            peer.loop.execute { peer.start() }
        }
    }

    /// Adds a peer (a member added at run time); does nothing if it is known or is this node.
    func addPeer(_ id: UInt64, address: SocketAddress) {
        guard id != configuration.nodeID else { return }
        let added = outboundPeers.withLock { peers -> PeerOutbound? in
            guard peers[id] == nil else { return nil }
            let index = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
            let peer = PeerOutbound(peerID: id, address: address, loop: group.loops[index % group.loops.count],
                                    configuration: configuration)
            peers[id] = peer
            return peer
        }
        if let peer = added, started.load(ordering: .acquiring) { peer.loop.execute { peer.start() } }
    }

    /// Forgets a peer (a removed member): its queue is dropped and its connection closed.
    func removePeer(_ id: UInt64) {
        guard let peer = outboundPeers.withLock({ $0.removeValue(forKey: id) }) else { return }
        peer.loop.execute {
            peer.beginClose()
            peer.finish()
        }
    }

    func adoptInbound(fd: Int32, on loop: EventLoop) {
        let connection = PeerInbound(fd: fd, loop: loop, transport: self)
        do {
            try loop.register(fd: fd, events: UInt32(csystem_EPOLLIN), handler: connection)
        } catch {
            close(fd)
            return
        }
        inbound.withLock { $0[ObjectIdentifier(connection)] = connection }
    }

    func inboundClosed(_ connection: PeerInbound) {
        _ = inbound.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func shutdown(grace: UInt64) {
        if let listener = listener.withLock({ $0 }) {
            listener.loop.execute { listener.close() }
        }
        for id in outbound.keys.sorted() {
            let peer = outbound[id]!
            peer.loop.execute { peer.beginClose() }
        }
        let deadline = MonotonicClock.nowNanoseconds() &+ grace
        while MonotonicClock.nowNanoseconds() < deadline
            && !outbound.values.allSatisfy({ $0.isFinished.load(ordering: .acquiring) }) {
            usleep(1000)
        }
        for id in outbound.keys.sorted() {
            let peer = outbound[id]!
            peer.loop.execute { peer.finish() }
        }
        let open = inbound.withLock { Array($0.values) }
        for connection in open { connection.loop.execute { connection.close() } }
        let hard = MonotonicClock.nowNanoseconds() &+ 2_000_000_000
        while MonotonicClock.nowNanoseconds() < hard
            && (!outbound.values.allSatisfy({ $0.isFinished.load(ordering: .acquiring) }) || inbound.withLock({ !$0.isEmpty })) {
            usleep(1000)
        }
    }
}
