import Testing
import Replica
import JSON
#if canImport(Glibc)
import Glibc
#endif

@Suite("snapshots and lease expiry in a running cluster", .serialized, .timeLimit(.minutes(2)))
struct SnapshotCatchUpTests {
    @Test("a member that missed more than a snapshot's worth of entries catches up from a snapshot")
    func laggingMemberGetsSnapshot() throws {
        var options = TestCluster.fastOptions
        options.snapshotEveryEntries = 20
        let cluster = try TestCluster(options: options)
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let lagging = cluster.names.first { $0 != leader }!
        cluster.stop(lagging)
        for i in 0..<120 {
            let (s, _) = try cluster.post(leader, "/v3/kv/put", #"{"key":"\#(b64("k\(i)"))","value":"\#(b64("v\(i)"))"}"#)
            #expect(s == 200)
        }
        // Give the leader time to snapshot and drop the log prefix the lagging member needs.
        usleep(300_000)
        try cluster.start(lagging)
        var count = ""
        for _ in 0..<100 {
            let (s, r) = try cluster.post(lagging, "/v3/kv/range", #"{"key":"\#(b64("k"))","range_end":"\#(b64("l"))","count_only":true,"serializable":true}"#)
            if s == 200, case .string(let c)? = r["count"] { count = c }
            if count == "120" { break }
            usleep(50_000)
        }
        #expect(count == "120")
        // The hashes of the keyspace agree at the same revision on every member.
        var hashes: Set<String> = []
        for name in cluster.names {
            let (s, r) = try cluster.post(name, "/v3/maintenance/hashkv", #"{"revision":"121"}"#)
            #expect(s == 200)
            if case .number(let h)? = r["hash"] { hashes.insert(h) }
        }
        #expect(hashes.count == 1)
    }

    @Test("a lease expires on the leader and its keys go everywhere; after a leader change it still expires")
    func leaseExpiry() throws {
        let cluster = try TestCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        let leader = try cluster.waitForLeader()
        let (s, grant) = try cluster.post(leader, "/v3/lease/grant", #"{"TTL":2}"#)
        #expect(s == 200)
        guard case .string(let id)? = grant["ID"] else {
            Issue.record("no lease id in \(grant)")
            return
        }
        let (s2, _) = try cluster.post(leader, "/v3/kv/put", #"{"key":"\#(b64("leased"))","value":"\#(b64("x"))","lease":"\#(id)"}"#)
        #expect(s2 == 200)
        // A follower answers TimeToLive with the leader's remaining TTL (and its own view of the keys,
        // which is not linearizable: the leader answers the put once the entry is committed and
        // applied there, possibly before this follower has heard of the commit, so ask again briefly).
        let follower = cluster.names.first { $0 != leader }!
        var (s4, ttlOnFollower) = try cluster.post(follower, "/v3/lease/timetolive", #"{"ID":"\#(id)","keys":true}"#)
        for _ in 0..<20 where ttlOnFollower["keys"] == nil {
            usleep(25_000)
            (s4, ttlOnFollower) = try cluster.post(follower, "/v3/lease/timetolive", #"{"ID":"\#(id)","keys":true}"#)
        }
        #expect(s4 == 200)
        #expect(ttlOnFollower["grantedTTL"] == .string("2"))
        #expect(ttlOnFollower["TTL"] == .string("2") || ttlOnFollower["TTL"] == .string("1"))
        #expect(ttlOnFollower["keys"] == .array([.string(b64("leased"))]))
        cluster.stop(leader)
        let next = try cluster.waitForLeader()
        #expect(next != leader)
        // TTL 2 s, extended by an election timeout on the new leader: gone within a few seconds.
        var gone = false
        for _ in 0..<100 {
            let (s3, r) = try cluster.post(next, "/v3/kv/range", #"{"key":"\#(b64("leased"))"}"#)
            if s3 == 200, r["kvs"] == nil {
                gone = true
                break
            }
            usleep(100_000)
        }
        #expect(gone)
        let (_, ttl) = try cluster.post(next, "/v3/lease/timetolive", #"{"ID":"\#(id)"}"#)
        #expect(ttl["TTL"] == .string("-1"))
    }
}
