/// The MVCC keyspace the Raft log drives: applies write requests one at a time, answers reads, keeps
/// lease deadlines and feeds watchers.
///
/// Replicated state lives in ``state`` (a value: ``frozen()`` is an O(1) `Sendable` copy for readers and
/// snapshot writers on other threads). Lease deadlines and watchers are member-local.
///
/// - Warning: Not thread-safe: one thread (the replica's apply thread) owns it, or a lock guards it.
public final class Keyspace {
    /// The replicated state.
    public internal(set) var state: KeyspaceState
    /// Local lease deadlines in nanoseconds of the caller's monotonic clock (absent = not expiring here).
    var leaseDeadlines: [Int64: Int64] = [:]
    /// Watcher bookkeeping.
    var watchers = WatcherRegistry()
    /// Pending events per watcher before a watcher is considered slow and moved to the unsynced set.
    public let maxPendingEventsPerWatcher: Int
    /// Largest TTL a lease may be granted (etcd's limit).
    public static let maxLeaseTTLSeconds: Int64 = 9_000_000_000
    /// TTLs below this are raised to it.
    public let minLeaseTTLSeconds: Int64

    /// An empty keyspace at revision 1.
    /// - Parameters:
    ///   - leaseIDSeed: seed of the deterministic lease-ID generator; every member must use the same.
    ///   - maxPendingEventsPerWatcher: buffer bound of each watcher (a whole revision may exceed it once).
    ///   - minLeaseTTLSeconds: the smallest TTL granted.
    ///   - maxKeysPerNode: B-tree node size (small values exercise splits in tests).
    public init(leaseIDSeed: UInt64 = 0x7465_726E_6C65_6173, maxPendingEventsPerWatcher: Int = 1024,
                minLeaseTTLSeconds: Int64 = 1, maxKeysPerNode: Int = 64) {
        self.state = KeyspaceState(leaseIDSeed: leaseIDSeed, maxKeysPerNode: maxKeysPerNode)
        self.maxPendingEventsPerWatcher = Swift.max(1, maxPendingEventsPerWatcher)
        self.minLeaseTTLSeconds = Swift.max(1, minLeaseTTLSeconds)
    }

    /// The revision of the last write (1 on an empty store).
    public var currentRevision: Int64 { state.currentRevision }
    /// The compact revision (0 before any compaction).
    public var compactRevision: Int64 { state.compactRevision }

    /// An O(1) frozen copy of the replicated state, safe to read or serialize on another thread.
    public func frozen() -> KeyspaceState { state }

    /// Answers a read at the current or a past revision.
    /// - Throws: see ``KeyspaceState/range(_:)``.
    public func range(_ request: RangeRequest) throws(MVCCError) -> RangeResponse {
        try state.range(request)
    }

    /// Applies one committed write request; on error nothing changed.
    /// - Parameters:
    ///   - request: the decoded Raft entry.
    ///   - nowNanoseconds: the caller's monotonic clock, used only to set local lease deadlines.
    /// - Returns: the response with the header revision after the request.
    public func apply(_ request: WriteRequest, nowNanoseconds: Int64) throws(MVCCError) -> WriteResponse {
        switch request {
        case .put(let put): return .put(try self.put(put))
        case .deleteRange(let delete): return .deleteRange(try deleteRange(delete))
        case .txn(let txn): return .txn(try self.txn(txn))
        case .compaction(let compaction): return .compaction(try compact(compaction))
        case .leaseGrant(let grant):
            let granted = try grantLease(grant, nowNanoseconds: nowNanoseconds)
            return .leaseGrant(ResponseHeader(revision: currentRevision), granted)
        case .leaseRevoke(let revoke): return .leaseRevoke(try revokeLease(revoke))
        case .leaseCheckpoint(let checkpoint): return .leaseCheckpoint(checkpointLeases(checkpoint))
        }
    }

    /// Writes one key at a new revision.
    /// - Throws: ``MVCCError/emptyKey``, ``MVCCError/leaseNotFound(_:)``, ``MVCCError/keyNotFound(_:)``,
    ///   ``MVCCError/valueProvided``, ``MVCCError/leaseProvided``.
    public func put(_ request: PutRequest) throws(MVCCError) -> PutResponse {
        try state.validate(request)
        var batch = WriteBatch(main: state.currentRevision + 1, collectEvents: !watchers.isEmpty)
        let previous = state.applyPut(request, batch: &batch)
        finish(batch)
        return PutResponse(header: ResponseHeader(revision: state.currentRevision),
                           prevKV: request.prevKV ? previous?.keyValue(key: request.key) : nil)
    }

    /// Deletes a key or range at one revision (no revision when nothing was deleted).
    /// - Throws: ``MVCCError/emptyKey``, ``MVCCError/invalidRange(key:rangeEnd:)``.
    public func deleteRange(_ request: DeleteRangeRequest) throws(MVCCError) -> DeleteRangeResponse {
        let interval = try KeyInterval(key: request.key, rangeEnd: request.rangeEnd)
        var batch = WriteBatch(main: state.currentRevision + 1, collectEvents: !watchers.isEmpty)
        let deleted = state.applyDelete(interval, batch: &batch)
        finish(batch)
        return DeleteRangeResponse(header: ResponseHeader(revision: state.currentRevision),
                                   deleted: Int64(deleted.count), prevKVs: request.prevKV ? deleted : [])
    }

    /// Runs a transaction at one revision (none when it writes nothing).
    /// - Throws: any validation error of its compares and of either branch, before anything runs.
    public func txn(_ request: TxnRequest) throws(MVCCError) -> TxnResponse {
        try state.validate(request)
        var batch = WriteBatch(main: state.currentRevision + 1, collectEvents: !watchers.isEmpty)
        var response = try state.applyTxn(request, batch: &batch)
        finish(batch)
        response.header.revision = state.currentRevision
        KeyspaceState.stamp(&response.responses, revision: state.currentRevision)
        return response
    }

    /// Commits a batch and hands its events to the watchers.
    func finish(_ batch: WriteBatch) {
        state.commit(batch)
        if !batch.events.isEmpty { deliverLive(batch.events) }
    }
}
