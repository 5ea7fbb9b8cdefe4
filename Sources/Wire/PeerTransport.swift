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

    /// Starts sending to a peer added at run time (a new member); a known peer is left as it is.
    public func addPeer(_ id: UInt64, address: SocketAddress) { core.addPeer(id, address: address) }

    /// Stops sending to a removed member and closes the connection to it.
    public func removePeer(_ id: UInt64) { core.removePeer(id) }

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
