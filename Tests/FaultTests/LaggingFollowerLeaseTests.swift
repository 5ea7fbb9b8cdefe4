import Testing
import JSON
#if canImport(Glibc)
import Glibc
#endif

extension FaultSuites {
    /// Leases asked about on a follower that has not applied the grant yet: it must not answer
    /// "not found" for a lease a client has already seen granted (linearizability of the lease API).
    @Suite("leases on a lagging follower", .serialized, .timeLimit(.minutes(1)))
    struct LaggingFollowerLeaseTests {
        @Test("a follower whose link from the leader is delayed 15 ms still answers time-to-live and keep-alive for a lease the leader has just granted")
        func laggingFollowerKnowsAGrantedLease() throws {
            let cluster = try FaultCluster(size: 3, seed: 41)
            defer { cluster.shutdown(keep: false) }
            try cluster.startAll()
            let leader = try cluster.waitForLeader()
            let follower = try #require(cluster.names.first { $0 != leader })
            // The grant commits through the other follower; this one hears of it later (15 ms per frame: a longer delay caps the link below the heartbeat rate).
            cluster.link(leader, follower, .delay(milliseconds: 15))
            for id in 1...5 {
                let (granted, _) = try cluster.post(leader, "/v3/lease/grant", #"{"TTL":60,"ID":\#(id)}"#, timeoutSeconds: 3)
                #expect(granted == 200)
                let (status, ttl) = try cluster.post(follower, "/v3/lease/timetolive", #"{"ID":\#(id),"keys":true}"#, timeoutSeconds: 5)
                #expect(status == 200)
                #expect(ttl["TTL"] != .string("-1") && ttl["TTL"] != nil, "lease \(id) unknown on \(follower): \(ttl)")
                #expect(ttl["grantedTTL"] == .string("60"), "lease \(id): \(ttl)")
                let (_, renewed) = try cluster.post(follower, "/v3/lease/keepalive", #"{"ID":\#(id)}"#, timeoutSeconds: 5)
                #expect(renewed["result"]?["TTL"] == .string("60"), "lease \(id) not renewed on \(follower): \(renewed)")
            }
        }
    }
}
