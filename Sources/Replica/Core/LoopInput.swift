import Raft
import MVCC

/// The cluster fields of a response header, as of when the request was answered.
public struct HeaderContext: Sendable, Equatable {
    public var clusterID: UInt64
    public var memberID: UInt64
    public var raftTerm: UInt64
}

/// Called on the Raft loop thread with the outcome of a write (hand work off quickly).
typealias WriteCompletion = @Sendable (Result<WriteResponse, GatewayError>, HeaderContext) -> Void
/// Called with the outcome of a linearizable read.
typealias ReadCompletion = @Sendable (Result<RangeResponse, GatewayError>, HeaderContext) -> Void

/// Work handed to the Raft loop by other threads.
enum LoopInput: Sendable {
    /// Something a peer sent.
    case peer(from: NodeID, PeerEnvelope)
    /// A write to replicate.
    case write(WriteRequest, WriteCompletion)
    /// A linearizable read: answered after a ReadIndex round and once applied that far.
    case read(RangeRequest, ReadCompletion)
    /// A lease keep-alive: answered by the leader with the TTL, or nil for an unknown lease.
    case keepAlive(leaseID: Int64, @Sendable (Result<Int64?, GatewayError>, HeaderContext) -> Void)
    /// A lease's remaining TTL (from the leader, which keeps the deadlines) and, optionally, its keys.
    case leaseTimeToLive(leaseID: Int64, keys: Bool, @Sendable (Result<LeaseTimeToLiveResponse, GatewayError>, HeaderContext) -> Void)
    /// Runs on the loop thread with read access to the state (serializable reads, status, leases).
    case query(@Sendable (LoopView) -> Void)
    /// Like ``query(_:)``, but called with nil (on the submitting thread) when the loop has stopped,
    /// so a waiting in-process caller is always answered.
    case queryOrStopped(@Sendable (LoopView?) -> Void)
    /// A membership change (add, remove, promote), answered once applied.
    case memberChange(MemberChange, @Sendable (Result<MembershipView, GatewayError>, HeaderContext) -> Void)
    /// Watch stream commands.
    case watch(WatchCommand)
    /// A background snapshot of `byteCount` bytes finished (saved, or failed and to be retried a
    /// period later). Only the metadata comes back: the bytes live in the WAL's snapshot file.
    case snapshotFinished(SnapshotMetadata, byteCount: Int, saved: Bool)
    /// Stop the loop.
    case stop
}

/// Read access to the loop's state, for ``LoopInput/query(_:)`` closures.
/// - Warning: valid only during the closure, on the loop thread.
struct LoopView {
    let keyspace: Keyspace
    let node: RaftNode
    let header: HeaderContext
    let nowNanoseconds: Int64
    let membership: MembershipView
}
