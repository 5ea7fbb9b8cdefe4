import Testing
@testable import Replica
import JSON
#if canImport(Glibc)
import Glibc
#endif

@Suite("three replicas in one process over loopback", .serialized, .timeLimit(.minutes(2)))
struct InProcessClusterTests {
    @Test("writes on any member are read linearizably on every member")
    func replicateAndRead() throws {
        let cluster = try TestCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let follower = cluster.names.first { $0 != leader }!
        let (status, put) = try cluster.post(follower, "/v3/kv/put", #"{"key":"\#(b64("foo"))","value":"\#(b64("bar"))"}"#)
        #expect(status == 200)
        let revision = put["header"]?["revision"]
        #expect(revision == .string("2"))
        for name in cluster.names {
            let (s, r) = try cluster.post(name, "/v3/kv/range", #"{"key":"\#(b64("foo"))"}"#)
            #expect(s == 200)
            #expect(r["kvs"] == .array([.object([("key", .string(b64("foo"))), ("create_revision", .string("2")),
                                                 ("mod_revision", .string("2")), ("version", .string("1")),
                                                 ("value", .string(b64("bar")))])]), "on \(name)")
        }
    }

    @Test("the cluster elects a new leader when the leader stops, keeps every acknowledged write, and the old leader catches up")
    func leaderFailover() throws {
        let cluster = try TestCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let first = try cluster.waitForLeader()
        for i in 0..<20 {
            let (s, _) = try cluster.post(first, "/v3/kv/put", #"{"key":"\#(b64("k\(i)"))","value":"\#(b64("v\(i)"))"}"#)
            #expect(s == 200)
        }
        cluster.stop(first)
        let second = try cluster.waitForLeader()
        #expect(second != first)
        let (s, r) = try cluster.post(second, "/v3/kv/range", #"{"key":"\#(b64("k"))","range_end":"\#(b64("l"))","count_only":true}"#)
        #expect(s == 200)
        #expect(r["count"] == .string("20"))
        let (s2, _) = try cluster.post(second, "/v3/kv/put", #"{"key":"\#(b64("after"))","value":"\#(b64("x"))"}"#)
        #expect(s2 == 200)
        try cluster.start(first)
        var caughtUp = false
        for _ in 0..<100 {
            let (s3, r3) = try cluster.post(first, "/v3/kv/range", #"{"key":"\#(b64("after"))","serializable":true}"#)
            if s3 == 200, r3["count"] == .string("1") {
                caughtUp = true
                break
            }
            usleep(50_000)
        }
        #expect(caughtUp)
    }

    @Test("a restarted member serves from everything its WAL committed, even with no one to talk to")
    func restartAppliesItsWALFirst() throws {
        var options = TestCluster.fastOptions
        options.snapshotEveryEntries = 25  // a snapshot, then committed entries after it in the WAL
        let cluster = try TestCluster(options: options)
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        for i in 0..<40 {
            let (s, _) = try cluster.post(leader, "/v3/kv/put", #"{"key":"\#(b64("k\(i)"))","value":"\#(b64("v"))"}"#)
            #expect(s == 200)
        }
        let follower = cluster.names.first { $0 != leader }!
        // Linearizable: the follower has applied everything up to the last put.
        let (_, before) = try cluster.post(follower, "/v3/kv/range", #"{"key":"\#(b64("k"))","range_end":"\#(b64("l"))","count_only":true}"#)
        #expect(before["count"] == .string("40"))
        let revision = before["header"]?["revision"]
        for name in cluster.names { cluster.stop(name) }
        // Recovered but not started: no client can have asked anything yet, and nothing came from a peer.
        let recovered = try Member(cluster: cluster.config, name: follower, options: options, logLevel: .warning)
        guard case .string(let text)? = revision, let expected = Int64(text) else { throw TestFailure("no revision in \(before)") }
        #expect(recovered.loop.keyspace.currentRevision == expected,
                "the WAL's committed entries are applied before the member serves")
        recovered.stop()
        // Alone, it cannot learn anything from the others: what it serves comes from its own WAL.
        try cluster.start(follower)
        let (status, after) = try cluster.post(follower, "/v3/kv/range", #"{"key":"\#(b64("k"))","range_end":"\#(b64("l"))","count_only":true,"serializable":true}"#)
        #expect(status == 200)
        #expect(after["header"]?["revision"] == revision, "the revision did not go back across the restart")
        #expect(after["count"] == .string("40"))
    }
}

@Suite("metrics page", .serialized, .timeLimit(.minutes(1)))
struct MetricsPageTests {
    @Test("GET /metrics is Prometheus text with Raft, fsync and apply figures that move with traffic")
    func metrics() throws {
        let cluster = try TestCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        for i in 0..<5 { _ = try cluster.post(leader, "/v3/kv/put", #"{"key":"\#(b64("m\(i)"))","value":"\#(b64("v"))"}"#) }
        let c = try cluster.client(leader)
        defer { c.close() }
        let r = try c.request(method: "GET", path: "/metrics")
        #expect(r.status == 200)
        let text = String(decoding: r.body, as: UTF8.self)
        #expect(text.contains("tern_raft_is_leader 1"))
        #expect(text.contains("tern_proposals_total 5"))
        #expect(text.contains("# TYPE tern_wal_fsync_duration_seconds histogram"))
        let fsyncCount = text.split(separator: "\n").first { $0.hasPrefix("tern_wal_fsync_duration_seconds_count ") }
        #expect((fsyncCount.flatMap { Int($0.split(separator: " ")[1]) } ?? 0) >= 5)
        #expect(text.contains("tern_raft_leader_changes_total 1"))
    }
}
