import Testing
import JSON
#if canImport(Glibc)
import Glibc
#endif

@Suite("real tern processes: SIGKILL the leader", .serialized, .timeLimit(.minutes(3)))
struct KillLeaderTests {
    /// Puts `key=value` somewhere in the cluster, trying members until one acknowledges.
    func put(_ cluster: ProcessCluster, _ key: String, _ value: String) -> Bool {
        for name in cluster.pids.keys.sorted() {
            if let (s, _) = try? cluster.post(name, "/v3/kv/put", #"{"key":"\#(b64(key))","value":"\#(b64(value))"}"#), s == 200 {
                return true
            }
        }
        return false
    }

    @Test("kill the leader with SIGKILL: a new leader is elected, acknowledged writes survive, the old leader catches up on restart")
    func killLeaderRepeatedly() throws {
        let cluster = try ProcessCluster()
        defer { cluster.shutdown() }
        try cluster.startAll()
        var acknowledged: [String] = []
        for round in 0..<3 {
            let leader = try cluster.waitForLeader()
            for i in 0..<10 {
                let key = "r\(round)-k\(i)"
                if put(cluster, key, "v") { acknowledged.append(key) }
            }
            cluster.kill(leader)
            let next = try cluster.waitForLeader(excluding: leader)
            #expect(next != leader)
            #expect(put(cluster, "after-\(round)", "x"), "writes continue after the leader died")
            acknowledged.append("after-\(round)")
            try cluster.start(leader)
        }
        // Every acknowledged write is on every member (linearizable read on each, after catch-up).
        // Counted from "a" on: the Kubernetes API's own keys (`/registry/...`) sort before it.
        let deadline = monotonicSeconds() + 15
        for name in cluster.names {
            var count = ""
            repeat {
                if let (s, v) = try? cluster.post(name, "/v3/kv/range", #"{"key":"YQ==","range_end":"AA==","count_only":true}"#),
                   s == 200, case .string(let c)? = v["count"] {
                    count = c
                }
                if count == String(acknowledged.count) { break }
                usleep(100_000)
            } while monotonicSeconds() < deadline
            #expect(count == String(acknowledged.count), "member \(name) has \(count) keys, \(acknowledged.count) were acknowledged")
        }
        #expect(acknowledged.count >= 30)
    }
}
