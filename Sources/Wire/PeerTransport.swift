#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// The Raft peer transport: each member listens on its peer address and dials every other member;
/// length-prefixed, CRC-checked binary frames (see ``PeerFrame``) carry batches of opaque messages
/// and snapshot chunks. Each peer has its own bounded queue: a slow or dead peer drops its own
/// messages (counted; Raft retransmits) and never blocks the others. Reconnects with backoff.
///
/// - Warning: `send` methods are callable from any thread. The callbacks run on event-loop threads
///   and must hand work off without blocking.
public final class PeerTransport: Sendable {
    private let core: PeerTransportCore
    private let reassembly: PeerSnapshotReassembly?

    /// Makes a transport; nothing happens until ``start()``.
    /// - Parameters:
    ///   - onMessages: called with the sender's id and a batch of messages, in arrival order.
    ///   - onSnapshotChunk: called with each snapshot chunk in order (feed a ``PeerSnapshotAssembler``
    ///     for the whole snapshot).
    public init(configuration: PeerTransportConfiguration, group: EventLoopGroup,
                onMessages: @escaping @Sendable (_ from: UInt64, _ messages: [[UInt8]]) -> Void,
                onSnapshotChunk: @escaping @Sendable (_ from: UInt64, _ chunk: PeerSnapshotChunk) -> Void = { _, _ in }) {
        core = PeerTransportCore(configuration: configuration, group: group, onMessages: onMessages,
                                 onSnapshotChunk: onSnapshotChunk)
        reassembly = nil
    }

    /// Makes a transport that delivers each snapshot whole, once its last chunk arrived.
    /// - Parameters:
    ///   - maxSnapshotBytes: larger snapshots are refused (counted in ``refusedSnapshots``).
    ///   - onSnapshot: called on a loop thread with the sender, the snapshot id and its bytes.
    public init(configuration: PeerTransportConfiguration, group: EventLoopGroup, maxSnapshotBytes: UInt64,
                onMessages: @escaping @Sendable (_ from: UInt64, _ messages: [[UInt8]]) -> Void,
                onSnapshot: @escaping @Sendable (_ from: UInt64, _ snapshotID: UInt64, _ bytes: [UInt8]) -> Void) {
        let reassembly = PeerSnapshotReassembly(maxBytes: maxSnapshotBytes, deliver: onSnapshot)
        core = PeerTransportCore(configuration: configuration, group: group, onMessages: onMessages,
                                 onSnapshotChunk: { from, chunk in reassembly.add(from: from, chunk) })
        self.reassembly = reassembly
    }

    /// Snapshots dropped by the reassembling initializer (too large, out of order, interleaved).
    public var refusedSnapshots: Int { reassembly?.refused.load(ordering: .relaxed) ?? 0 }

    /// Binds the listener and starts dialing every peer.
    /// - Throws: ``WireError`` when the listen address cannot be bound.
    public func start() throws(WireError) { try core.start() }

    /// The bound peer port (after ``start()``).
    public var listenPort: UInt16 { core.listenPort.load(ordering: .acquiring) }

    /// Queues one message for `peer`; false when dropped (queue full or unknown peer).
    @discardableResult
    public func send(to peer: UInt64, _ message: [UInt8]) -> Bool {
        send(to: peer, messages: [message]) == 1
    }

    /// Queues messages for `peer` in order; returns how many were accepted.
    @discardableResult
    public func send(to peer: UInt64, messages: [[UInt8]]) -> Int {
        guard let outbound = core.outbound[peer] else { return 0 }
        return outbound.enqueue(messages)
    }

    /// Streams a snapshot to `peer` in chunks pulled from `provider(offset, maxBytes)` as the
    /// connection drains; false for an unknown peer. A broken connection abandons the snapshot
    /// (counted in ``PeerStats/failedSnapshots``); the caller retries.
    @discardableResult
    public func sendSnapshot(to peer: UInt64, snapshotID: UInt64, totalBytes: UInt64,
                             provider: @escaping @Sendable (_ offset: UInt64, _ maxBytes: Int) -> [UInt8]) -> Bool {
        guard let outbound = core.outbound[peer] else { return false }
        outbound.enqueueSnapshot(id: snapshotID, totalBytes: totalBytes, provider: provider)
        return true
    }

    /// Streams an in-memory snapshot to `peer`.
    @discardableResult
    public func sendSnapshot(to peer: UInt64, snapshotID: UInt64, bytes: [UInt8]) -> Bool {
        sendSnapshot(to: peer, snapshotID: snapshotID, totalBytes: UInt64(bytes.count)) { offset, maxBytes in
            let start = Int(offset)
            return Array(bytes[start..<min(bytes.count, start + maxBytes)])
        }
    }

    /// Counters for the outbound side towards `peer`.
    public func stats(for peer: UInt64) -> PeerStats? {
        guard let o = core.outbound[peer] else { return nil }
        return PeerStats(connected: o.isConnected.load(ordering: .relaxed),
                         sentMessages: o.sentMessages.load(ordering: .relaxed),
                         droppedMessages: o.droppedMessages.load(ordering: .relaxed),
                         queuedMessages: o.queuedMessages,
                         connects: o.connects.load(ordering: .relaxed),
                         sentSnapshotChunks: o.sentSnapshotChunks.load(ordering: .relaxed),
                         failedSnapshots: o.failedSnapshots.load(ordering: .relaxed))
    }

    /// Inbound connections refused (bad hello, wrong cluster, corrupt frame).
    public var rejectedInboundConnections: Int { core.inboundRejected.load(ordering: .relaxed) }

    /// Stops listening, writes what is queued for up to the grace period, then closes everything.
    /// - Warning: blocks; call from a thread that is not one of the group's loops.
    public func shutdown(gracePeriodNanoseconds: UInt64 = 1_000_000_000) { core.shutdown(grace: gracePeriodNanoseconds) }
}

/// The shared state behind ``PeerTransport``.
final class PeerTransportCore: @unchecked Sendable {
    // @unchecked Sendable: `outbound` is immutable after init; `inbound` and `listener` are confined
    // to loop threads (each inbound to its own loop, tracked in a Mutex-guarded registry); the rest
    // are immutable or atomic.
    let configuration: PeerTransportConfiguration
    let group: EventLoopGroup
    let onMessages: @Sendable (UInt64, [[UInt8]]) -> Void
    let onSnapshotChunk: @Sendable (UInt64, PeerSnapshotChunk) -> Void
    let outbound: [UInt64: PeerOutbound]
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
        self.outbound = outbound
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
        for id in outbound.keys.sorted() {
            let peer = outbound[id]!
            peer.loop.execute { peer.start() }
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

/// Per-sender snapshot reassembly for ``PeerTransport``'s whole-snapshot initializer. Chunks from
/// one sender arrive in order on one connection; a reconnect restarts at offset 0.
final class PeerSnapshotReassembly: Sendable {
    private struct SenderState {
        var assembler: PeerSnapshotAssembler
        var refusedID: UInt64?   // the rest of a refused snapshot's chunks are skipped quietly
    }
    private let senders = Mutex<[UInt64: SenderState]>([:])
    private let maxBytes: UInt64
    private let deliver: @Sendable (UInt64, UInt64, [UInt8]) -> Void
    let refused = Atomic<Int>(0)

    init(maxBytes: UInt64, deliver: @escaping @Sendable (UInt64, UInt64, [UInt8]) -> Void) {
        self.maxBytes = maxBytes
        self.deliver = deliver
    }

    func add(from: UInt64, _ chunk: PeerSnapshotChunk) {
        let whole = senders.withLock { table -> [UInt8]? in
            var state = table[from] ?? SenderState(assembler: PeerSnapshotAssembler(maxBytes: maxBytes))
            defer { table[from] = state }
            if chunk.offset != 0, state.refusedID == chunk.snapshotID { return nil }
            state.refusedID = nil
            do {
                return try state.assembler.add(chunk)
            } catch {
                state.refusedID = chunk.snapshotID
                refused.wrappingAdd(1, ordering: .relaxed)
                return nil
            }
        }
        if let whole { deliver(from, chunk.snapshotID, whole) }
    }
}
