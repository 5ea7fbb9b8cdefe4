import Testing
import Synchronization
import Replica
import JSON
import Wire
#if canImport(Glibc)
import Glibc
#endif

/// Leases through the gateway beyond the transcripts: followers, keep-alive streams, revoke and
/// the watch events it causes, IDs given as strings.
@Suite("lease API", .serialized, .timeLimit(.minutes(1)), .sharedCluster)
struct LeaseAPITests {
    private func revision(of reply: GatewayReply) -> Int64? {
        guard case .string(let text)? = reply.json?["header"]?["revision"] else { return nil }
        return Int64(text)
    }

    @Test("grant and put on a follower; the lease's keys are listed; revoke deletes them in one revision, seen by a watch")
    func revokeDeletesKeys() throws {
        let f = try GatewayFixture.shared()
        let grant = try f.call("/v3/lease/grant", #"{"TTL":"30","ID":"77"}"#, on: f.follower)
        expectEtcd(grant, 200, #"{\#(hdr(try f.revision())),"ID":"77","TTL":"30"}"#, "int64 fields as strings")
        for k in ["l/1", "l/2"] {
            #expect(try f.call("/v3/kv/put", #"{"key":"\#(b64(k))","value":"dg==","lease":"77"}"#, on: f.follower).status == 200)
        }
        let current = try f.revision()
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"\#(b64("l/1"))"}"#), 200,
                   #"{\#(hdr(current)),"kvs":[{"key":"\#(b64("l/1"))","create_revision":"\#(current - 1)","mod_revision":"\#(current - 1)","version":"1","value":"dg==","lease":"77"}],"count":"1"}"#,
                   "a leased key shows its lease")
        let ttl = try f.call("/v3/lease/timetolive", #"{"ID":77,"keys":true}"#)
        #expect(ttl.json?["keys"] == .array([.string(b64("l/1")), .string(b64("l/2"))]))
        #expect(ttl.json?["grantedTTL"] == .string("30"))

        let watch = try f.openWatch(#"{"create_request":{"key":"\#(b64("l/"))","range_end":"\#(b64("l0"))"}}"#)
        #expect(try watch.nextMessage()["result"]?["created"] == .bool(true))
        let revoke = try f.call("/v3/lease/revoke", #"{"ID":"77"}"#, on: f.follower)
        #expect(revoke.status == 200)
        let revoked = try #require(revision(of: revoke))
        expectEtcd(try watch.nextMessage(), #"{"result":{\#(hdr(revoked)),"events":[{"type":"DELETE","kv":{"key":"\#(b64("l/1"))","mod_revision":"\#(revoked)"}},{"type":"DELETE","kv":{"key":"\#(b64("l/2"))","mod_revision":"\#(revoked)"}}]}}"#)
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"\#(b64("l/"))","range_end":"\#(b64("l0"))"}"#, on: f.follower), 200,
                   "{\(hdr(revoked))}")
        expectEtcd(try f.call("/v3/lease/timetolive", #"{"ID":77}"#), 200, #"{\#(hdr(revoked)),"ID":"77","TTL":"-1"}"#)
    }

    @Test("put with ignore_lease keeps the key's lease; ignore_value keeps its value; a plain put detaches the lease")
    func ignoreLeaseAndValue() throws {
        let f = try GatewayFixture.shared()
        #expect(try f.call("/v3/lease/grant", #"{"TTL":40,"ID":66}"#).status == 200)
        let key = b64("il")
        #expect(try f.call("/v3/kv/put", #"{"key":"\#(key)","value":"MQ==","lease":66}"#).status == 200)
        let created = try f.revision()
        #expect(try f.call("/v3/kv/put", #"{"key":"\#(key)","value":"Mg==","ignore_lease":true}"#).status == 200)
        #expect(try f.call("/v3/kv/put", #"{"key":"\#(key)","ignore_value":true,"ignore_lease":true,"prev_kv":true}"#).status == 200)
        let rev = try f.revision()
        expectEtcd(try f.call("/v3/kv/range", #"{"key":"\#(key)"}"#), 200,
                   #"{\#(hdr(rev)),"kvs":[{"key":"\#(key)","create_revision":"\#(created)","mod_revision":"\#(rev)","version":"3","value":"Mg==","lease":"66"}],"count":"1"}"#)
        #expect(try f.call("/v3/kv/put", #"{"key":"\#(key)","value":"Mw=="}"#).status == 200)
        #expect(try f.call("/v3/lease/timetolive", #"{"ID":66,"keys":true}"#).json?["keys"] == nil, "a put without lease detaches it")
    }

    @Test("a lease granted through a follower or the leader is known at once to keep-alive and time-to-live on a follower, while writes keep the leader busy")
    func grantedThroughFollowerIsKnownAtOnce() throws {
        let f = try GatewayFixture.shared()
        // Writers keep the leader's commit index running ahead of what it has applied, so a
        // follower can apply (and answer) a grant before the leader has: the leader must still
        // know the lease when the follower forwards the keep-alive a moment later.
        let stop = Atomic<Bool>(false)
        let unknown = Mutex<[String]>([])
        // Dedicated threads, not Dispatch's global queues: on Linux those also run Swift's tasks,
        // and ten blocked for seconds starve async tests elsewhere in the run.
        var writers: [DedicatedThread] = []
        for w in 0..<4 {
            writers.append(try DedicatedThread(name: "lease-test-writer") {
                guard let c = try? f.cluster.client(f.leader) else { return }
                defer { c.close() }
                var i = 0
                while !stop.load(ordering: .relaxed) {
                    let key = b64("busy/\(w)/\(i % 50)")
                    _ = try? c.request(method: "POST", path: "/v3/kv/put", body: Array(#"{"key":"\#(key)","value":"dg=="}"#.utf8))
                    i += 1
                }
            })
        }
        var askers: [DedicatedThread] = []
        for a in 0..<6 {
            askers.append(try DedicatedThread(name: "lease-test-asker") {
                guard let c = try? f.cluster.client(f.follower), let l = try? f.cluster.client(f.leader) else {
                    unknown.withLock { $0.append("cannot connect") }
                    return
                }
                defer { c.close(); l.close() }
                func post(_ path: String, _ body: String, to client: HTTPClient? = nil) -> JSONValue? {
                    guard let r = try? (client ?? c).request(method: "POST", path: path, body: Array(body.utf8)) else { return nil }
                    return try? JSONParser.parse(r.body)
                }
                for i in 0..<30 {
                    let id = 20_000 + a * 1000 + i
                    // Odd rounds: granted by the leader, which the follower may not have applied yet.
                    guard post("/v3/lease/grant", #"{"TTL":60,"ID":\#(id)}"#, to: i % 2 == 1 ? l : c)?["ID"] != nil else { continue }
                    let renewed = post("/v3/lease/keepalive", #"{"ID":\#(id)}"#)
                    if renewed?["result"]?["TTL"] == nil { unknown.withLock { $0.append("keep-alive \(id): \(String(describing: renewed))") } }
                    let ttl = post("/v3/lease/timetolive", #"{"ID":\#(id)}"#)?["TTL"]
                    if ttl == nil || ttl == .string("-1") { unknown.withLock { $0.append("time-to-live \(id): \(String(describing: ttl))") } }
                    _ = post("/v3/lease/revoke", #"{"ID":\#(id)}"#)
                }
            })
        }
        for t in askers { t.join() }
        stop.store(true, ordering: .relaxed)
        for t in writers { t.join() }
        let found = unknown.withLock { $0 }
        #expect(found.isEmpty, "\(found.count) answers said not found, first: \(found.first ?? "")")
    }

    @Test("keep-alive on a follower: a known lease gets its TTL, an unknown one none, several messages in order")
    func keepAliveOnFollower() throws {
        let f = try GatewayFixture.shared()
        #expect(try f.call("/v3/lease/grant", #"{"TTL":20,"ID":88}"#).status == 200)
        let rev = try f.revision()
        try f.waitForRevision(rev, on: f.follower)
        let stream = try f.openKeepAlive(#"{"ID":88} {"ID":"4040"}"# + "\n" + #"{"ID":88}"#, on: f.follower)
        #expect(try stream.responseStatus() == 200)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(rev)),"ID":"88","TTL":"20"}}"#)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(rev)),"ID":"4040"}}"#)
        expectEtcd(try stream.nextMessage(), #"{"result":{\#(hdr(rev)),"ID":"88","TTL":"20"}}"#)
        #expect(try stream.nextChunk() == nil)
        #expect(stream.headers["content-type"] == "application/json")
    }

    @Test("an open keep-alive body is answered message by message")
    func keepAliveOpenBody() throws {
        let f = try GatewayFixture.shared()
        #expect(try f.call("/v3/lease/grant", #"{"TTL":20,"ID":99}"#).status == 200)
        let m = try f.cluster.config.member(named: f.leader)
        let stream = try ChunkedStream(host: m.client.host, port: m.client.port)
        try stream.start(path: "/v3/lease/keepalive", firstChunk: Array(#"{"ID":99}"#.utf8), finish: false)
        #expect(try stream.nextMessage()["result"]?["TTL"] == .string("20"))
        try stream.send(#"{"ID":99}"#)
        #expect(try stream.nextMessage()["result"]?["ID"] == .string("99"))
        try stream.finishBody()
        #expect(try stream.nextChunk() == nil)
    }

    @Test("leases are listed in ID order on every member")
    func list() throws {
        let f = try GatewayFixture.shared()
        for id in [5, 3] { #expect(try f.call("/v3/lease/grant", #"{"TTL":60,"ID":\#(id)}"#).status == 200) }
        // A grant changes no revision: write a key after them and wait for every member to apply it.
        #expect(try f.call("/v3/kv/put", #"{"key":"bGlzdA==","value":"dg=="}"#).status == 200)
        let rev = try f.revision()
        for member in f.cluster.names {
            try f.waitForRevision(rev, on: member)
            let r = try f.call("/v3/lease/leases", "{}", on: member)
            guard case .array(let items)? = r.json?["leases"] else {
                Issue.record("no leases in \(r.text) on \(member)")
                continue
            }
            let ids = items.compactMap { item -> Int64? in
                if case .string(let s)? = item["ID"] { return Int64(s) } else { return nil }
            }
            #expect(ids == ids.sorted(), "on \(member)")
            #expect(ids.contains(3) && ids.contains(5), "on \(member)")
        }
    }
}

/// A keep-alive that cannot reach a leader ends its stream with grpc-gateway's error chunk instead of
/// answering as if the lease were unknown.
@Suite("keep-alive without a leader", .serialized, .timeLimit(.minutes(1)))
struct KeepAliveWithoutLeaderTests {
    @Test("a member left alone answers keep-alive with a 503 error chunk, and /health with 503")
    func noLeader() throws {
        var options = GatewayFixture.steadyOptions
        options.requestTimeoutNanoseconds = 3_000_000_000  // a forwarded renewal fails within the read timeout
        let fixture = try GatewayFixture(options: options)
        defer { fixture.cluster.shutdown() }
        #expect(try fixture.call("/v3/lease/grant", #"{"TTL":60,"ID":12}"#).status == 200)
        let alone = fixture.follower
        for name in fixture.cluster.names where name != alone { fixture.cluster.stop(name) }
        usleep(1_500_000)  // past the election timeout (up to 1.2 s): the member campaigns and knows no leader
        let m = try fixture.cluster.config.member(named: alone)
        let stream = try ChunkedStream(host: m.client.host, port: m.client.port)
        try stream.start(path: "/v3/lease/keepalive", firstChunk: Array(#"{"ID":12}"#.utf8), finish: true)
        #expect(try stream.responseStatus() == 503)
        let chunk = try #require(try stream.nextChunk())
        let error = try JSONParser.parse(chunk)
        #expect(error["error"]?["grpc_code"] == .number("14"))
        #expect(error["error"]?["http_code"] == .number("503"))
        #expect(error["error"]?["http_status"] == .string("Service Unavailable"))
        let message = error["error"]?["message"]
        #expect(message == .string("etcdserver: no leader") || message == .string("etcdserver: request timed out"))
        #expect(try stream.nextChunk() == nil, "the stream ends after the error")
        let health = try fixture.call("/health", "", on: alone, method: "GET")
        #expect(health.status == 503)
        #expect(health.text == #"{"health":"false"}"# + "\n")
    }
}
