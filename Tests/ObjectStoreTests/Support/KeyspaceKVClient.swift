import Dispatch
import KVClient
import MVCC
import Synchronization

/// TEST ADAPTER: a real MVCC `Keyspace` (real revisions, transactions, compaction and watchers)
/// behind the `KVClient` protocol, in-process and without Raft. Watch updates are handed to one
/// serial dispatch queue in the order the keyspace produced them. Fault knobs: refuse requests
/// (`unavailable`), cancel every watch, hold new watches back, send progress notices.
final class KeyspaceKVClient: KVClient {
    private struct State {
        var keyspace = Keyspace(maxPendingEventsPerWatcher: 100_000)
        var handlers: [Int: Registration] = [:]
        var unavailable = false
        var refuseWatches = false
    }

    private struct Registration {
        var handler: @Sendable (WatchUpdate) -> Void
        var progressNotify: Bool
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "keyspace-kv-client.watch")

    /// Counts of requests, for tests that check how a read was served.
    let rangeCount = Atomic<Int>(0)

    var currentRevision: Int64 { state.withLock { $0.keyspace.currentRevision } }

    func setUnavailable(_ on: Bool) { state.withLock { $0.unavailable = on } }
    func setRefuseWatches(_ on: Bool) { state.withLock { $0.refuseWatches = on } }
    var watcherCount: Int { state.withLock { $0.handlers.count } }

    /// Cancels every watch with `reason` (as a member stopping would).
    func cancelAllWatches(reason: String) {
        state.withLock { s in
            for handle in s.handlers.keys.sorted() {
                s.keyspace.cancelWatcher(handle)
                let handler = s.handlers[handle]!.handler
                queue.async { handler(.canceled(compactRevision: 0, reason: reason)) }
            }
            s.handlers.removeAll()
        }
    }

    /// Sends a progress notice to every watcher that asked for them and is caught up.
    func notifyProgress() {
        state.withLock { s in
            for handle in s.handlers.keys.sorted() {
                guard let registration = s.handlers[handle], registration.progressNotify,
                      let revision = s.keyspace.progressRevision(handle) else { continue }
                queue.async { registration.handler(.progress(revision: revision)) }
            }
        }
    }

    /// Waits until every update handed to the watch queue so far has been delivered.
    func drainWatchQueue() { queue.sync {} }

    private func check() throws(KVError) {
        if state.withLock({ $0.unavailable }) { throw .unavailable("test: store unavailable") }
    }

    private static func map(_ error: MVCCError) -> KVError {
        switch error {
        case .compacted(_, let compactRevision): return .compacted(compactRevision: compactRevision)
        case .futureRevision: return .futureRevision
        case .leaseNotFound: return .leaseNotFound
        default: return .invalidRequest(error.description)
        }
    }

    private static func pair(_ kv: KeyValue) -> KVPair {
        KVPair(key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision,
               version: kv.version, lease: kv.lease)
    }

    private static func request(_ q: RangeQuery) -> RangeRequest {
        RangeRequest(key: q.range.key, rangeEnd: q.range.end, limit: q.limit, revision: q.revision,
                     serializable: q.serializable, keysOnly: q.keysOnly, countOnly: q.countOnly)
    }

    private static func result(_ r: RangeResponse) -> RangeResult {
        RangeResult(revision: r.header.revision, pairs: r.kvs.map(pair), more: r.more, count: r.count)
    }

    private static func operation(_ op: TxnOperation) -> RequestOp {
        switch op {
        case .range(let q): return .range(request(q))
        case .put(let p): return .put(PutRequest(key: p.key, value: p.value, lease: p.lease, prevKV: p.prevKV))
        case .delete(let d): return .deleteRange(DeleteRangeRequest(key: d.range.key, rangeEnd: d.range.end, prevKV: d.prevKV))
        }
    }

    private static func compare(_ c: TxnCompare) -> Compare {
        let result: Compare.Result
        switch c.relation {
        case .equal: result = .equal
        case .notEqual: result = .notEqual
        case .less: result = .less
        case .greater: result = .greater
        }
        let target: Compare.Target
        switch c.target {
        case .value(let v): target = .value(v)
        case .version(let v): target = .version(v)
        case .createRevision(let v): target = .createRevision(v)
        case .modRevision(let v): target = .modRevision(v)
        case .lease(let v): target = .lease(v)
        }
        return Compare(key: c.range.key, rangeEnd: c.range.end, result: result, target: target)
    }

    /// Runs `body` on the keyspace under the lock, then hands every ready watch update to the queue.
    private func withKeyspace<R>(_ body: (Keyspace) throws(MVCCError) -> R) throws(KVError) -> R {
        try check()
        let outcome: Result<R, MVCCError> = state.withLock { s in
            let r: Result<R, MVCCError>
            do throws(MVCCError) { r = .success(try body(s.keyspace)) } catch { r = .failure(error) }
            pump(&s)
            return r
        }
        switch outcome {
        case .success(let r): return r
        case .failure(let e): throw Self.map(e)
        }
    }

    private func pump(_ s: inout State) {
        while true {
            let synced = s.keyspace.syncUnsyncedWatchers()
            let ready = s.keyspace.takeReadyWatchers()
            if ready.isEmpty && synced == 0 { return }
            for handle in ready {
                while let batch = s.keyspace.drain(handle) {
                    guard let registration = s.handlers[handle] else { continue }
                    let update: WatchUpdate
                    switch batch.kind {
                    case .canceled(let compactRevision):
                        s.handlers[handle] = nil
                        update = .canceled(compactRevision: compactRevision, reason: "compacted")
                    case .events:
                        update = .events(batch.events.map { shared in
                            let e = shared.event
                            return KVEvent(kind: e.kind == .put ? .put : .delete, pair: Self.pair(e.kv),
                                           previous: e.prevKV.map(Self.pair))
                        })
                    }
                    queue.async { registration.handler(update) }
                }
            }
        }
    }

    func range(_ query: RangeQuery) async throws(KVError) -> RangeResult {
        rangeCount.add(1, ordering: .relaxed)
        return try withKeyspace { ks throws(MVCCError) in Self.result(try ks.range(Self.request(query))) }
    }

    func put(_ command: PutCommand) async throws(KVError) -> WriteResult {
        try withKeyspace { ks throws(MVCCError) in
            let r = try ks.put(PutRequest(key: command.key, value: command.value, lease: command.lease, prevKV: command.prevKV))
            return WriteResult(revision: r.header.revision, succeeded: true, results: [.put(previous: r.prevKV.map(Self.pair))])
        }
    }

    func delete(_ command: DeleteCommand) async throws(KVError) -> WriteResult {
        try withKeyspace { ks throws(MVCCError) in
            let r = try ks.deleteRange(DeleteRangeRequest(key: command.range.key, rangeEnd: command.range.end, prevKV: command.prevKV))
            return WriteResult(revision: r.header.revision, succeeded: true, results: [.delete(deleted: r.deleted, previous: r.prevKVs.map(Self.pair))])
        }
    }

    func txn(_ command: TxnCommand) async throws(KVError) -> WriteResult {
        try withKeyspace { ks throws(MVCCError) in
            let r = try ks.txn(TxnRequest(compare: command.compares.map(Self.compare),
                                          success: command.success.map(Self.operation),
                                          failure: command.failure.map(Self.operation)))
            let results: [TxnOperationResult] = r.responses.compactMap { op in
                switch op {
                case .range(let rr): return .range(Self.result(rr))
                case .put(let p): return .put(previous: p.prevKV.map(Self.pair))
                case .deleteRange(let d): return .delete(deleted: d.deleted, previous: d.prevKVs.map(Self.pair))
                case .txn: return nil
                }
            }
            return WriteResult(revision: r.header.revision, succeeded: r.succeeded, results: results)
        }
    }

    func compact(revision: Int64) async throws(KVError) {
        _ = try withKeyspace { ks throws(MVCCError) in try ks.compact(CompactionRequest(revision: revision)) }
    }

    func leaseGrant(ttl: Int64, id: Int64) async throws(KVError) -> (id: Int64, ttl: Int64) {
        try withKeyspace { ks throws(MVCCError) in
            let r = try ks.grantLease(LeaseGrantRequest(ttlSeconds: ttl, id: id), nowNanoseconds: 0)
            return (r.id, r.ttlSeconds)
        }
    }

    func leaseRevoke(id: Int64) async throws(KVError) {
        _ = try withKeyspace { ks throws(MVCCError) in try ks.revokeLease(LeaseRevokeRequest(id: id)) }
    }

    func leaseKeepAlive(id: Int64) async throws(KVError) -> Int64 {
        let ttl = try withKeyspace { ks in ks.keepAlive(leaseID: id, nowNanoseconds: 0) ?? 0 }
        if ttl == 0 { throw .leaseNotFound }
        return ttl
    }

    func watch(_ query: WatchQuery, handler: @escaping @Sendable (WatchUpdate) -> Void) throws(KVError) -> any WatchHandle {
        try check()
        if state.withLock({ $0.refuseWatches }) { throw .unavailable("test: watches refused") }
        let created: Result<Int, MVCCError> = state.withLock { s in
            do throws(MVCCError) {
                let handle = try s.keyspace.createWatcher(WatchCreateRequest(
                    key: query.range.key, rangeEnd: query.range.end, startRevision: query.startRevision,
                    prevKV: query.prevKV, progressNotify: query.progressNotify))
                s.handlers[handle] = Registration(handler: handler, progressNotify: query.progressNotify)
                pump(&s)
                return .success(handle)
            } catch {
                return .failure(error)
            }
        }
        let handle: Int
        switch created {
        case .success(let h): handle = h
        case .failure(let e): throw Self.map(e)
        }
        return Handle(client: self, handle: handle)
    }

    fileprivate func cancel(_ handle: Int) {
        state.withLock { s in
            s.keyspace.cancelWatcher(handle)
            s.handlers[handle] = nil
        }
    }

    private struct Handle: WatchHandle {
        let client: KeyspaceKVClient
        let handle: Int
        func cancel() { client.cancel(handle) }
    }
}
