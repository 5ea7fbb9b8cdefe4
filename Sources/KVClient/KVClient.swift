/// Why a store request failed.
public enum KVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The revision asked for is below the compaction point.
    case compacted(compactRevision: Int64)
    /// The revision asked for is above the current one.
    case futureRevision
    /// The request was refused as malformed or too large, with the store's message.
    case invalidRequest(String)
    /// No leader, timed out, or the member is stopping: the outcome of a write is unknown.
    case unavailable(String)
    /// The lease does not exist.
    case leaseNotFound
    /// The connection failed or the answer was not understood; the outcome of a write is unknown.
    case transport(String)

    public var description: String {
        switch self {
        case .compacted(let r): return "required revision has been compacted (compact revision \(r))"
        case .futureRevision: return "required revision is a future revision"
        case .invalidRequest(let m): return "invalid request: \(m)"
        case .unavailable(let m): return "unavailable: \(m)"
        case .leaseNotFound: return "requested lease not found"
        case .transport(let m): return "transport: \(m)"
        }
    }
}

/// The store's client interface: what the orchestration layer (object store, API server,
/// controllers) may ask of the store. `HTTPKVClient` speaks to any member over the etcd v3 JSON
/// API; `Replica` implements it in-process for an API server running inside a member.
///
/// Reads are linearizable unless `serializable`; writes return after they are committed and
/// applied on the member that answered.
public protocol KVClient: Sendable {
    func range(_ query: RangeQuery) async throws(KVError) -> RangeResult
    func put(_ command: PutCommand) async throws(KVError) -> WriteResult
    func delete(_ command: DeleteCommand) async throws(KVError) -> WriteResult
    func txn(_ command: TxnCommand) async throws(KVError) -> WriteResult
    /// Discards history before `revision` (reads and watches below it fail with `.compacted`).
    func compact(revision: Int64) async throws(KVError)
    /// Grants a lease of `ttl` seconds (`id` 0 lets the store choose); returns its id and TTL.
    func leaseGrant(ttl: Int64, id: Int64) async throws(KVError) -> (id: Int64, ttl: Int64)
    /// Revokes a lease, deleting its keys.
    func leaseRevoke(id: Int64) async throws(KVError)
    /// Renews a lease once; returns its TTL.
    func leaseKeepAlive(id: Int64) async throws(KVError) -> Int64
    /// Starts following changes; `handler` is called, one call at a time and in order, on a thread
    /// the implementation owns (hand work off quickly; never block it).
    func watch(_ query: WatchQuery, handler: @escaping @Sendable (WatchUpdate) -> Void) throws(KVError) -> any WatchHandle
}
