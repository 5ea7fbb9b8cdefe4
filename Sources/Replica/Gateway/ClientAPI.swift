import Synchronization
import JSON
import MVCC
import Raft
import Wire

/// The member's client API: etcd 3.4's v3 JSON gateway over the Wire HTTP server.
///
/// Handlers run on event-loop threads: they decode the request, hand it to the Raft loop and
/// return; the loop's completion writes the answer through the thread-safe responder.
final class ClientAPI: Sendable {
    let loop: RaftLoop
    let options: ReplicaOptions
    let metrics: ReplicaMetrics
    let nextSession = Atomic<Int>(1)

    init(loop: RaftLoop, options: ReplicaOptions, metrics: ReplicaMetrics) {
        self.loop = loop
        self.options = options
        self.metrics = metrics
    }

    /// The etcd version Tern answers as (clients such as etcd3gw pick the API prefix from it).
    static let etcdServerVersion = "3.4.23"
    /// Bytes counted per key and per stored revision in the status's size estimate.
    static let estimatedBytesPerEntry: Int64 = 128

    /// Which requests stream their body to the handler as it arrives.
    static func streamsBody(_ head: HTTPRequestHead) -> Bool {
        let path = canonicalPath(head.path)
        return path == "/v3/watch" || path == "/v3/lease/keepalive"
    }

    /// `/v3beta/...` is an alias of `/v3/...`.
    static func canonicalPath(_ path: Substring) -> Substring {
        if path.hasPrefix("/v3beta/") { return "/v3/" + path.dropFirst("/v3beta/".count) }
        return path
    }

    func handle(_ request: HTTPServerRequest) {
        let path = Self.canonicalPath(request.head.path)
        let method = request.head.method
        let responder = request.responder
        if Self.getRoutes.contains(String(path)) {
            // etcd serves these to GET only.
            guard method == "GET" else { return respondText(responder, 405, "Method Not Allowed\n") }
            switch path {
            case "/version":
                return respond(responder, 200, Array(#"{"etcdserver":"\#(Self.etcdServerVersion)","etcdcluster":"3.4.0","tern":"0.1.0-dev"}"#.utf8))
            case "/health":
                return health(responder)
            default:
                return metricsPage(responder)
            }
        }
        guard path.hasPrefix("/v3/") else {
            return respondText(responder, 404, "404 page not found\n")
        }
        guard method == "POST" else {
            return respondText(responder, Self.unaryRoutes.contains(String(path)) ? 405 : 404,
                               Self.unaryRoutes.contains(String(path)) ? "Method Not Allowed\n" : "Not Found\n")
        }
        switch path {
        case "/v3/watch":
            return watch(request)
        case "/v3/lease/keepalive":
            return keepAliveStream(request)
        case "/v3/maintenance/snapshot":
            return snapshot(responder)
        default:
            break
        }
        do {
            try unary(String(path), body: request.body, responder: responder)
        } catch {
            respondError(responder, error)
        }
    }

    static let getRoutes: Set<String> = ["/version", "/health", "/metrics"]

    static let unaryRoutes: Set<String> = [
        "/v3/kv/range", "/v3/kv/put", "/v3/kv/deleterange", "/v3/kv/txn", "/v3/kv/compaction",
        "/v3/lease/grant", "/v3/lease/revoke", "/v3/kv/lease/revoke", "/v3/lease/timetolive",
        "/v3/kv/lease/timetolive", "/v3/lease/leases", "/v3/maintenance/status", "/v3/maintenance/hash",
        "/v3/maintenance/hashkv", "/v3/maintenance/alarm", "/v3/cluster/member/list",
        "/v3/cluster/member/add", "/v3/cluster/member/remove", "/v3/cluster/member/promote", "/v3/auth/authenticate",
        "/v3/watch", "/v3/lease/keepalive", "/v3/maintenance/snapshot",
    ]

    private func unary(_ path: String, body: [UInt8], responder: HTTPResponder) throws(GatewayError) {
        switch path {
        case "/v3/kv/range":
            let request = try GatewayDecoder.parse(body, type: "RangeRequest").rangeRequest()
            try validateKey(request.key)
            if Self.isEmptyInterval(request.key, request.rangeEnd) {
                // etcd 3.4 answers an end at or before the key with an empty result; the lookup of
                // the key alone (same revision, same consistency) supplies the header and its errors.
                var probe = request
                probe.rangeEnd = []
                probe.countOnly = true
                range(probe, responder: responder, emptyResult: true)
            } else {
                range(request, responder: responder)
            }
        case "/v3/kv/put":
            let request = try GatewayDecoder.parse(body, type: "PutRequest").putRequest()
            try validateKey(request.key)
            write(.put(request), responder: responder)
        case "/v3/kv/deleterange":
            let request = try GatewayDecoder.parse(body, type: "DeleteRangeRequest").deleteRangeRequest()
            try validateKey(request.key)
            if Self.isEmptyInterval(request.key, request.rangeEnd) {
                // Deletes nothing: etcd answers with the current revision, which a linearizable read gives.
                range(RangeRequest(key: request.key, countOnly: true), responder: responder, emptyResult: true)
            } else {
                write(.deleteRange(request), responder: responder)
            }
        case "/v3/kv/txn":
            let (txn, plan) = TxnEmptyRanges.rewrite(try GatewayDecoder.parse(body, type: "TxnRequest").txnRequest())
            write(.txn(txn), responder: responder, plan: plan)
        case "/v3/kv/compaction":
            write(.compaction(try GatewayDecoder.parse(body, type: "CompactionRequest").compactionRequest()), responder: responder)
        case "/v3/lease/grant":
            let d = try GatewayDecoder.parse(body, type: "LeaseGrantRequest")
            write(.leaseGrant(LeaseGrantRequest(ttlSeconds: try d.int64("TTL"), id: try d.int64("ID"))), responder: responder)
        case "/v3/lease/revoke", "/v3/kv/lease/revoke":
            let d = try GatewayDecoder.parse(body, type: "LeaseRevokeRequest")
            write(.leaseRevoke(LeaseRevokeRequest(id: try d.int64("ID"))), responder: responder)
        case "/v3/lease/timetolive", "/v3/kv/lease/timetolive":
            let d = try GatewayDecoder.parse(body, type: "LeaseTimeToLiveRequest")
            timeToLive(id: try d.int64("ID"), keys: try d.bool("keys"), responder: responder)
        case "/v3/lease/leases":
            query(responder) { view in
                var w = JSONObjectWriter()
                w.raw("header", GatewayEncoder.header(view.keyspace.currentRevision, view.header))
                w.arrayIfSet("leases", view.keyspace.leaseIDs().map { id in
                    var l = JSONObjectWriter()
                    l.int64String("ID", id)
                    return l.finish()
                })
                return w.finish()
            }
        case "/v3/maintenance/status":
            status(responder)
        case "/v3/maintenance/hash", "/v3/maintenance/hashkv":
            let revision = try GatewayDecoder.parse(body, type: "HashKVRequest").int64("revision")
            hash(revision: revision, withRevision: path.hasSuffix("hashkv"), responder: responder)
        case "/v3/maintenance/alarm":
            respond(responder, 200, Array("{}".utf8))
        case "/v3/cluster/member/list":
            memberList(responder)
        case "/v3/cluster/member/add", "/v3/cluster/member/remove", "/v3/cluster/member/promote":
            try memberChange(path, body: body, responder: responder, cluster: loop.cluster)
        case "/v3/auth/authenticate":
            throw GatewayError(httpStatus: 412, grpcCode: 9, message: "etcdserver: authentication is not enabled")
        default:
            respondText(responder, 404, "Not Found\n")
        }
    }

    private func validateKey(_ key: [UInt8]) throws(GatewayError) {
        if key.isEmpty { throw .keyNotProvided }
    }

    // MARK: Requests through the loop

    private func write(_ request: WriteRequest, responder: HTTPResponder, plan: TxnEmptyRanges.Plan? = nil) {
        // The size limit applies to the decoded request (base64 grows bytes by 4/3), as in etcd.
        if RequestSize.of(request) > options.maxRequestBytes { return respondError(responder, .requestTooLarge) }
        metrics.proposals.add(1, ordering: .relaxed)
        loop.submit(.write(request) { [self] result, context in
            switch result {
            case .success(let response): respond(responder, 200, GatewayEncoder.write(response, context: context, plan: plan))
            case .failure(let error): respondError(responder, error)
            }
        })
    }

    /// Whether `[key, rangeEnd)` is a range (not a single key, not "from key") that holds no key.
    static func isEmptyInterval(_ key: [UInt8], _ rangeEnd: [UInt8]) -> Bool {
        !rangeEnd.isEmpty && rangeEnd != [0] && !key.lexicographicallyPrecedes(rangeEnd)
    }

    /// A range through the loop; with `emptyResult`, only the answer's header is sent.
    private func range(_ request: RangeRequest, responder: HTTPResponder, emptyResult: Bool = false) {
        let answer: ReadCompletion = { [self] result, context in
            switch result {
            case .success(let r) where emptyResult:
                respond(responder, 200, GatewayEncoder.onlyHeader(GatewayEncoder.header(r.header.revision, context)))
            case .success(let r): respond(responder, 200, GatewayEncoder.range(r, header: GatewayEncoder.header(r.header.revision, context)))
            case .failure(let error): respondError(responder, error)
            }
        }
        if request.serializable {
            loop.submit(.query { view in
                do throws(MVCCError) {
                    answer(.success(try view.keyspace.range(request)), view.header)
                } catch {
                    answer(.failure(GatewayError(error)), view.header)
                }
            })
        } else {
            loop.submit(.read(request, answer))
        }
    }

    /// Runs `body` on the loop thread and sends its JSON.
    private func query(_ responder: HTTPResponder, _ body: @escaping @Sendable (LoopView) -> [UInt8]) {
        loop.submit(.query { [self] view in respond(responder, 200, body(view)) })
    }

    private func timeToLive(id: Int64, keys: Bool, responder: HTTPResponder) {
        loop.submit(.leaseTimeToLive(leaseID: id, keys: keys) { [self] result, context in
            guard case .success(let r) = result else {
                if case .failure(let error) = result { respondError(responder, error) }
                return
            }
            var w = JSONObjectWriter()
            w.raw("header", GatewayEncoder.header(r.header.revision, context))
            w.int64StringIfSet("ID", r.id)
            w.int64StringIfSet("TTL", r.ttlSeconds)
            w.int64StringIfSet("grantedTTL", r.grantedTTLSeconds)
            w.arrayIfSet("keys", r.keys.map { k in
                var out: [UInt8] = [0x22]
                Base64.encode(k, into: &out)
                out.append(0x22)
                return out
            })
            respond(responder, 200, w.finish())
        })
    }

    private func status(_ responder: HTTPResponder) {
        query(responder) { view in
            var w = JSONObjectWriter()
            w.raw("header", GatewayEncoder.header(view.keyspace.currentRevision, view.header))
            w.string("version", Self.etcdServerVersion)
            // Tern has no bbolt file: dbSize/dbSizeInUse are an estimate of the keyspace in memory.
            let state = view.keyspace.frozen()
            let estimate = Int64(state.indexedKeyCount + state.history.count) * Self.estimatedBytesPerEntry
            w.int64StringIfSet("dbSize", estimate)
            w.int64StringIfSet("leader", view.node.leader)
            w.int64StringIfSet("raftIndex", view.node.commitIndex)
            w.int64StringIfSet("raftTerm", view.node.term)
            w.int64StringIfSet("raftAppliedIndex", view.node.appliedIndex)
            w.int64StringIfSet("dbSizeInUse", estimate)
            return w.finish()
        }
    }

    private func hash(revision: Int64, withRevision: Bool, responder: HTTPResponder) {
        loop.submit(.query { [self] view in
            do throws(MVCCError) {
                let rev = revision == 0 ? view.keyspace.currentRevision : revision
                let h = try view.keyspace.frozen().hashKV(revision: rev)
                var w = JSONObjectWriter()
                w.raw("header", GatewayEncoder.header(view.keyspace.currentRevision, view.header))
                w.number("hash", h)
                if withRevision {
                    w.int64StringIfSet("compact_revision", view.keyspace.compactRevision)
                    w.int64StringIfSet("hash_revision", rev)
                }
                respond(responder, 200, w.finish())
            } catch {
                respondError(responder, GatewayError(error))
            }
        })
    }

    private func memberList(_ responder: HTTPResponder) {
        query(responder) { [self] view in
            var w = JSONObjectWriter()
            w.raw("header", GatewayEncoder.headerWithoutRevision(view.header))
            w.arrayIfSet("members", view.membership.members.map { memberJSON($0, learner: view.membership.learners.contains($0.id)) })
            return w.finish()
        }
    }

    /// etcd 3.4's health check: a leader is known and a linearizable read completes. Healthy is
    /// `{"health":"true"}`; unhealthy is 503 with Go's `http.Error` body (the JSON and a newline).
    private func health(_ responder: HTTPResponder) {
        let unhealthy: @Sendable () -> Void = { [self] in respondText(responder, 503, #"{"health":"false"}"# + "\n") }
        loop.submit(.query { [self, loop] view in
            guard view.node.leader != noNode else { return unhealthy() }
            loop.submit(.read(RangeRequest(key: Array("health".utf8), countOnly: true)) { [self] result, _ in
                switch result {
                case .success: respondText(responder, 200, #"{"health":"true"}"#)
                case .failure: unhealthy()
                }
            })
        })
    }

    private func metricsPage(_ responder: HTTPResponder) {
        loop.submit(.query { [self] view in
            respond(responder, 200, Array(metrics.render(view).utf8), headers: ["Content-Type": "text/plain; version=0.0.4"])
        })
    }

    // MARK: Answers

    func respond(_ responder: HTTPResponder, _ status: Int, _ body: [UInt8], headers: HTTPHeaders = GatewayHeaders.json) {
        _ = responder.respond(status: status, headers: headers, body: body)
    }

    func respondText(_ responder: HTTPResponder, _ status: Int, _ text: String) {
        _ = responder.respond(status: status, headers: GatewayHeaders.text, body: Array(text.utf8))
    }

    func respondError(_ responder: HTTPResponder, _ error: GatewayError) {
        respond(responder, error.httpStatus, error.body)
    }
}
