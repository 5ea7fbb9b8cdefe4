import Synchronization
import KVClient
import MVCC

/// Watch session ids of in-process watches: negative, so they never meet the HTTP gateway's
/// (which count up from 1) in the Raft loop's session table.
private let nextLocalWatchSession = Atomic<Int>(-1)

/// The store's client interface served inside a member, without JSON or HTTP: requests go straight
/// to the member's Raft loop as ``LoopInput``s and completions resume the waiting task.
///
/// Same semantics as the member's etcd JSON gateway: reads are linearizable (ReadIndex) unless
/// `serializable`; writes (leases included) go through Raft and are answered once this member has
/// applied them; keep-alives are forwarded to the leader; an empty key is refused, a range or delete
/// over an empty interval answers empty, a write over the request size limit is refused.
/// Get one from ``Member/kv``.
///
/// - Warning: never blocks; every call suspends until the Raft loop answers (at most the member's
///   request timeout, or at once when the member has stopped).
public struct LocalKVClient: KVClient {
    let loop: RaftLoop

    init(loop: RaftLoop) {
        self.loop = loop
    }

    /// Reads keys (linearizable unless `query.serializable`).
    public func range(_ query: RangeQuery) async throws(KVError) -> RangeResult {
        if query.range.key.isEmpty { throw .invalidRequest(GatewayError.keyNotProvided.message) }
        var request = query.request
        let empty = ClientAPI.isEmptyInterval(request.key, request.rangeEnd)
        if empty {
            // As the gateway: the key alone, same revision and consistency, supplies revision and errors.
            request.rangeEnd = []
            request.countOnly = true
        }
        let response = try await read(request)
        if empty { return RangeResult(revision: response.header.revision, pairs: [], more: false, count: 0) }
        return RangeResult(response)
    }

    /// Writes one key.
    public func put(_ command: PutCommand) async throws(KVError) -> WriteResult {
        if command.key.isEmpty { throw .invalidRequest(GatewayError.keyNotProvided.message) }
        guard case .put(let r) = try await write(.put(command.request)) else { throw Self.unexpected }
        return WriteResult(revision: r.header.revision, succeeded: true, results: [.put(previous: r.prevKV.map(KVPair.init))])
    }

    /// Deletes keys.
    public func delete(_ command: DeleteCommand) async throws(KVError) -> WriteResult {
        if command.range.key.isEmpty { throw .invalidRequest(GatewayError.keyNotProvided.message) }
        if ClientAPI.isEmptyInterval(command.range.key, command.range.end) {
            // Deletes nothing: answered with the current revision, which a linearizable read gives.
            let probe = try await read(RangeRequest(key: command.range.key, countOnly: true))
            return WriteResult(revision: probe.header.revision, succeeded: true, results: [.delete(deleted: 0, previous: [])])
        }
        guard case .deleteRange(let r) = try await write(.deleteRange(command.request)) else { throw Self.unexpected }
        return WriteResult(revision: r.header.revision, succeeded: true,
                           results: [.delete(deleted: r.deleted, previous: r.prevKVs.map(KVPair.init))])
    }

    /// Runs a transaction.
    public func txn(_ command: TxnCommand) async throws(KVError) -> WriteResult {
        let (request, plan) = TxnEmptyRanges.rewrite(command.request)
        guard case .txn(let r) = try await write(.txn(request)) else { throw Self.unexpected }
        return WriteResult(r, plan: plan)
    }

    /// Discards history before `revision`.
    public func compact(revision: Int64) async throws(KVError) {
        _ = try await write(.compaction(CompactionRequest(revision: revision)))
    }

    /// Grants a lease (proposed through Raft, as the gateway does).
    public func leaseGrant(ttl: Int64, id: Int64) async throws(KVError) -> (id: Int64, ttl: Int64) {
        guard case .leaseGrant(_, let r) = try await write(.leaseGrant(LeaseGrantRequest(ttlSeconds: ttl, id: id))) else {
            throw Self.unexpected
        }
        return (r.id, r.ttlSeconds)
    }

    /// Revokes a lease, deleting its keys.
    public func leaseRevoke(id: Int64) async throws(KVError) {
        _ = try await write(.leaseRevoke(LeaseRevokeRequest(id: id)))
    }

    /// Renews a lease on the leader (a follower forwards it).
    public func leaseKeepAlive(id: Int64) async throws(KVError) -> Int64 {
        let loop = self.loop
        let ttl: Int64? = try await Self.call { done in
            loop.submit(.keepAlive(leaseID: id) { result, _ in done(result.mapError(KVError.init)) })
        }
        guard let ttl else { throw .leaseNotFound }
        return ttl
    }

    /// Follows changes; `handler` runs on a dispatch queue of this watch, one call at a time.
    public func watch(_ query: WatchQuery, handler: @escaping @Sendable (WatchUpdate) -> Void) throws(KVError) -> any WatchHandle {
        if query.range.isEmptyInterval { throw .invalidRequest(KeyRange.emptyWatchReason) }
        let session = nextLocalWatchSession.wrappingSubtract(1, ordering: .relaxed).oldValue
        let loop = self.loop
        let sink = LocalWatchSink(prevKV: query.prevKV, label: "tern.watch.\(loop.member.name)\(session)", handler: handler) {
            loop.submit(.watch(.close(session: session)))
        }
        loop.submit(.watch(.openLocal(session: session, output: sink)))
        loop.submit(.watch(.create(session: session, WatchCreateRequest(
            key: query.range.key, rangeEnd: query.range.end, startRevision: query.startRevision,
            prevKV: query.prevKV, progressNotify: query.progressNotify))))
        return sink
    }

    // MARK: Through the loop

    static let unexpected = KVError.transport("the member answered with a response of another kind")

    private func write(_ request: WriteRequest) async throws(KVError) -> WriteResponse {
        // The size limit applies to the decoded request, as in etcd and the gateway.
        if RequestSize.of(request) > loop.options.maxRequestBytes {
            throw .invalidRequest(GatewayError.requestTooLarge.message)
        }
        let loop = self.loop
        let result: Result<WriteResponse, GatewayError> = await withCheckedContinuation { c in
            loop.submit(.write(request) { result, _ in c.resume(returning: result) })
        }
        return try await settle(result)
    }

    private func read(_ request: RangeRequest) async throws(KVError) -> RangeResponse {
        let loop = self.loop
        if request.serializable {
            return try await Self.call { done in
                loop.submit(.queryOrStopped { view in
                    guard let view else { return done(.failure(KVError(GatewayError.stopping))) }
                    do throws(MVCCError) {
                        done(.success(try view.keyspace.range(request)))
                    } catch {
                        done(.failure(KVError(error)))
                    }
                })
            }
        }
        let result: Result<RangeResponse, GatewayError> = await withCheckedContinuation { c in
            loop.submit(.read(request) { result, _ in c.resume(returning: result) })
        }
        return try await settle(result)
    }

    /// The value, or the mapped error; a compacted error gets the member's compact revision (the
    /// loop's answer does not carry it; compaction only moves forward, so this is at least the
    /// revision that refused the request).
    private func settle<T>(_ result: Result<T, GatewayError>) async throws(KVError) -> T {
        switch result {
        case .success(let value):
            return value
        case .failure(let gatewayError):
            let error = KVError(gatewayError)
            guard error.isCompacted else { throw error }
            let loop = self.loop
            let compactRevision: Int64 = await withCheckedContinuation { c in
                loop.submit(.queryOrStopped { view in c.resume(returning: view?.keyspace.compactRevision ?? 0) })
            }
            throw .compacted(compactRevision: compactRevision)
        }
    }

    /// Suspends until `body`'s callback is called (exactly once) and returns or throws its result.
    private static func call<T: Sendable>(_ body: (@escaping @Sendable (Result<T, KVError>) -> Void) -> Void) async throws(KVError) -> T {
        let result: Result<T, KVError> = await withCheckedContinuation { c in
            body { c.resume(returning: $0) }
        }
        return try result.get()
    }
}

extension Member {
    /// An in-process ``KVClient`` of this member (no JSON, no HTTP); cheap to create.
    public var kv: LocalKVClient { LocalKVClient(loop: loop) }
}
