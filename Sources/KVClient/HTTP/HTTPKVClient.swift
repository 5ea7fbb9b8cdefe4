import Synchronization
import JSON
import Wire

/// A ``KVClient`` speaking etcd's v3 JSON gateway to a member's client address, or to a list of
/// members, failing over to the next one when a connection cannot be made.
///
/// Requests run as blocking HTTP/1.1 calls on a small pool of threads this client owns (never on
/// Swift concurrency's cooperative pool), over keep-alive connections. A read whose connection
/// breaks is retried on the next member; a write whose connection broke after it was sent is never
/// retried: it fails with `.transport` (its outcome is unknown). Each watch is one streaming
/// `POST /v3/watch` read by a thread of its own, which calls the handler.
///
/// - Warning: call ``close()`` when done (or drop the last reference): it stops the threads.
public final class HTTPKVClient: KVClient {
    /// The members' client addresses, in the order they are tried.
    public let addresses: [SocketAddress]
    let options: HTTPKVClientOptions
    let pool: GatewayConnectionPool
    private let workers: BlockingWorkerPool
    /// The member that answered last: requests start there.
    private let preferred = Atomic<Int>(0)

    /// A client of the members at `addresses` (with none, every request fails `.unavailable`).
    public init(addresses: [SocketAddress], options: HTTPKVClientOptions = HTTPKVClientOptions()) {
        self.addresses = addresses
        self.options = options
        pool = GatewayConnectionPool(memberCount: addresses.count, options: options)
        workers = BlockingWorkerPool(threadCount: options.threadCount)
    }

    /// Stops the worker threads and closes idle connections (running watches are not affected).
    public func close() {
        workers.stop()
        pool.closeAll()
    }

    deinit { close() }

    // MARK: KVClient

    /// Reads keys (`POST /v3/kv/range`).
    public func range(_ query: RangeQuery) async throws(KVError) -> RangeResult {
        try GatewayResponseDecoding.range(try await call("/v3/kv/range", GatewayRequestEncoding.range(query), idempotent: true))
    }

    /// Writes one key (`POST /v3/kv/put`).
    public func put(_ command: PutCommand) async throws(KVError) -> WriteResult {
        try GatewayResponseDecoding.put(try await call("/v3/kv/put", GatewayRequestEncoding.put(command), idempotent: false))
    }

    /// Deletes keys (`POST /v3/kv/deleterange`).
    public func delete(_ command: DeleteCommand) async throws(KVError) -> WriteResult {
        try GatewayResponseDecoding.delete(try await call("/v3/kv/deleterange", GatewayRequestEncoding.delete(command), idempotent: false))
    }

    /// Runs a transaction (`POST /v3/kv/txn`).
    public func txn(_ command: TxnCommand) async throws(KVError) -> WriteResult {
        try GatewayResponseDecoding.txn(try await call("/v3/kv/txn", GatewayRequestEncoding.txn(command), idempotent: false))
    }

    /// Discards history before `revision` (`POST /v3/kv/compaction`).
    public func compact(revision: Int64) async throws(KVError) {
        _ = try await call("/v3/kv/compaction", GatewayRequestEncoding.compaction(revision: revision), idempotent: false)
    }

    /// Grants a lease (`POST /v3/lease/grant`).
    public func leaseGrant(ttl: Int64, id: Int64) async throws(KVError) -> (id: Int64, ttl: Int64) {
        let answer = try await call("/v3/lease/grant", GatewayRequestEncoding.lease(id: id, ttl: ttl), idempotent: false)
        return (try GatewayResponseDecoding.int64(answer["ID"], "ID"), try GatewayResponseDecoding.int64(answer["TTL"], "TTL"))
    }

    /// Revokes a lease (`POST /v3/lease/revoke`).
    public func leaseRevoke(id: Int64) async throws(KVError) {
        _ = try await call("/v3/lease/revoke", GatewayRequestEncoding.lease(id: id), idempotent: false)
    }

    /// Renews a lease once (one message on `POST /v3/lease/keepalive`).
    public func leaseKeepAlive(id: Int64) async throws(KVError) -> Int64 {
        let answer = try await call("/v3/lease/keepalive", GatewayRequestEncoding.lease(id: id), idempotent: true)
        if let error = answer["error"] {
            let code = (try? GatewayResponseDecoding.int64(error["grpc_code"], "grpc_code")) ?? 0
            let status = (try? GatewayResponseDecoding.int64(error["http_code"], "http_code")) ?? 0
            guard case .string(let message)? = error["message"] else { throw GatewayResponseDecoding.malformed("keep-alive error") }
            throw KVError.fromGateway(httpStatus: Int(status), grpcCode: Int(code), message: message)
        }
        let ttl = try GatewayResponseDecoding.int64(answer["result"]?["TTL"], "TTL")
        guard ttl > 0 else { throw .leaseNotFound }
        return ttl
    }

    /// Follows changes on a stream of its own; `handler` runs on the stream's thread.
    public func watch(_ query: WatchQuery, handler: @escaping @Sendable (WatchUpdate) -> Void) throws(KVError) -> any WatchHandle {
        if query.range.isEmptyInterval { throw .invalidRequest(KeyRange.emptyWatchReason) }
        let stream = HTTPWatchStream(client: self, query: query, handler: handler)
        guard startClientThread({ stream.run() }) else { throw .transport("cannot start a watch thread") }
        return stream
    }

    // MARK: Calls

    /// Runs one request on a worker thread; the answer's JSON, or the mapped error. A compacted
    /// error gets the member's compact revision from `/v3/maintenance/hashkv` (the error text does
    /// not carry it).
    private func call(_ path: String, _ body: [UInt8], idempotent: Bool) async throws(KVError) -> JSONValue {
        switch await onWorker(path, body, idempotent: idempotent) {
        case .success(let value):
            return value
        case .failure(let error) where error.isCompacted:
            let hash = await onWorker("/v3/maintenance/hashkv", Array("{}".utf8), idempotent: true)
            let compactRevision = (try? hash.get()).flatMap { try? GatewayResponseDecoding.int64($0["compact_revision"], "compact_revision") }
            throw .compacted(compactRevision: compactRevision ?? 0)
        case .failure(let error):
            throw error
        }
    }

    /// Runs ``perform(_:_:idempotent:)`` on a worker thread and waits for it without blocking.
    private func onWorker(_ path: String, _ body: [UInt8], idempotent: Bool) async -> Result<JSONValue, KVError> {
        await withCheckedContinuation { c in
            let queued = workers.submit { [self] in c.resume(returning: perform(path, body, idempotent: idempotent)) }
            if !queued { c.resume(returning: .failure(.unavailable("the client is closed"))) }
        }
    }

    /// The blocking request (on a worker thread): tries the members from the preferred one on.
    func perform(_ path: String, _ body: [UInt8], idempotent: Bool) -> Result<JSONValue, KVError> {
        guard !addresses.isEmpty else { return .failure(.unavailable("no member addresses")) }
        let start = preferred.load(ordering: .relaxed)
        var lastError = KVError.unavailable("no member reachable")
        for attempt in 0..<addresses.count {
            let index = (start + attempt) % addresses.count
            // A pooled connection the member has closed meanwhile is only found out by using it:
            // an idempotent request then gets one more try on a fresh connection.
            var triedFresh = false
            while !triedFresh {
                let connection: GatewayConnection
                if let pooled = pool.take(index) {
                    connection = pooled
                } else {
                    triedFresh = true
                    do {
                        connection = try GatewayConnection(address: addresses[index], timeoutNanoseconds: options.requestTimeoutNanoseconds)
                    } catch {
                        lastError = .unavailable("cannot connect to \(addresses[index]): \(error)")
                        break
                    }
                }
                switch exchange(connection, path, body) {
                case .success(let (status, answer)):
                    pool.putBack(index, connection)
                    if attempt > 0 { preferred.store(index, ordering: .relaxed) }
                    return decode(status: status, answer)
                case .failure(let error):
                    connection.close()
                    guard idempotent else {
                        return .failure(.transport("\(path) to \(addresses[index]): \(error); the outcome is unknown"))
                    }
                    lastError = .transport("\(path) to \(addresses[index]): \(error)")
                }
            }
        }
        return .failure(lastError)
    }

    private func exchange(_ connection: GatewayConnection, _ path: String, _ body: [UInt8]) -> Result<(Int, [UInt8]), WireError> {
        do {
            try connection.sendPost(path: path, body: body)
            let status = try connection.readHead()
            return .success((status, try connection.readWholeBody(maxBytes: options.maxResponseBytes)))
        } catch {
            return .failure(error)
        }
    }

    private func decode(status: Int, _ body: [UInt8]) -> Result<JSONValue, KVError> {
        guard status == 200 else { return .failure(GatewayResponseDecoding.error(status: status, body: body)) }
        // A keep-alive answer is a stream of lines; this client sends one message, so reads one.
        let line = body.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first.map(Array.init) ?? body
        do {
            return .success(try JSONParser.parse(line))
        } catch {
            return .failure(GatewayResponseDecoding.malformed("\(error)"))
        }
    }
}
