import Testing
@testable import MVCC

@Suite("Leases")
struct LeaseTests {
    static let second: Int64 = 1_000_000_000

    @Test("expiry is decided by the caller's clock and produces IDs to revoke, not deletions")
    func expiry() throws {
        let keyspace = Keyspace()
        let short = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 5, id: 1), nowNanoseconds: 0)
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 60, id: 2), nowNanoseconds: 0)
        try keyspace.put("a", "1", lease: short.id)
        #expect(keyspace.expiredLeases(nowNanoseconds: 4 * Self.second).isEmpty)
        #expect(keyspace.expiredLeases(nowNanoseconds: 5 * Self.second) == [1])
        #expect(keyspace.frozen().get(b("a")) != nil, "expiry alone deletes nothing")
        #expect(keyspace.keepAlive(leaseID: 1, nowNanoseconds: 4 * Self.second) == 5)
        #expect(keyspace.expiredLeases(nowNanoseconds: 8 * Self.second).isEmpty)
        #expect(keyspace.keepAlive(leaseID: 99, nowNanoseconds: 0) == nil)
        let header = try keyspace.revokeLease(LeaseRevokeRequest(id: 1))
        #expect(header.revision == 3 && keyspace.frozen().get(b("a")) == nil)
    }

    @Test("time to live with keys; unknown lease has TTL -1")
    func timeToLive() throws {
        let keyspace = Keyspace()
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 5, id: 1000), nowNanoseconds: 0)
        try keyspace.put("leased", "v", lease: 1000)
        try keyspace.put("also", "v", lease: 1000)
        let ttl = keyspace.timeToLive(leaseID: 1000, includeKeys: true, nowNanoseconds: Self.second / 2)
        #expect(ttl.ttlSeconds == 5 && ttl.grantedTTLSeconds == 5 && ttl.keys == [b("also"), b("leased")])
        #expect(keyspace.timeToLive(leaseID: 1000, includeKeys: true, nowNanoseconds: 2 * Self.second).ttlSeconds == 3)
        #expect(keyspace.timeToLive(leaseID: 999, includeKeys: false, nowNanoseconds: 0).ttlSeconds == -1)
        // Re-putting without a lease detaches; ignore_lease keeps it.
        try keyspace.put("also", "w")
        _ = try keyspace.put(PutRequest(key: b("leased"), value: b("w2"), ignoreLease: true))
        #expect(keyspace.timeToLive(leaseID: 1000, includeKeys: true, nowNanoseconds: 0).keys == [b("leased")])
        #expect(keyspace.frozen().get(b("leased"))?.lease == 1000)
    }

    @Test("generated IDs are deterministic from the seed and the sequence of grants")
    func generatedIDs() throws {
        func ids(seed: UInt64) throws -> [Int64] {
            let keyspace = Keyspace(leaseIDSeed: seed)
            return try (0..<5).map { _ in try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 10), nowNanoseconds: 0).id }
        }
        let first = try ids(seed: 1)
        #expect(first == (try ids(seed: 1)))
        #expect(first != (try ids(seed: 2)))
        #expect(first.allSatisfy { $0 > 0 } && Set(first).count == 5)
    }

    @Test("promotion extends every deadline; demotion stops expiry; checkpoints shorten the restart TTL")
    func leadership() throws {
        let keyspace = Keyspace()
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 10, id: 1), nowNanoseconds: 0)
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 10, id: 2), nowNanoseconds: 0)
        _ = keyspace.checkpointLeases(LeaseCheckpointRequest(checkpoints: [.init(id: 2, remainingTTLSeconds: 3), .init(id: 77, remainingTTLSeconds: 1)]))
        keyspace.demoteAll()
        #expect(keyspace.expiredLeases(nowNanoseconds: 100 * Self.second).isEmpty)
        keyspace.promoteAll(nowNanoseconds: 100 * Self.second, extendBySeconds: 2)
        #expect(keyspace.expiredLeases(nowNanoseconds: 104 * Self.second).isEmpty)
        #expect(keyspace.expiredLeases(nowNanoseconds: 105 * Self.second) == [2])
        #expect(keyspace.expiredLeases(nowNanoseconds: 112 * Self.second) == [1, 2])
    }

    @Test("leases survive snapshot and restore with their keys")
    func snapshot() throws {
        let keyspace = Keyspace()
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 10, id: 5), nowNanoseconds: 0)
        try keyspace.put("x", "1", lease: 5)
        let (state, _) = try KeyspaceState.decodeSnapshot(keyspace.frozen().encodeSnapshot())
        let restored = Keyspace()
        restored.restore(state)
        #expect(restored.timeToLive(leaseID: 5, includeKeys: true, nowNanoseconds: 0).keys == [b("x")])
        _ = try restored.revokeLease(LeaseRevokeRequest(id: 5))
        #expect(restored.frozen().get(b("x")) == nil)
    }
}

@Suite("Lease messages")
struct LeaseMessageTests {
    @Test("time-to-live, keepalive and leases in message form")
    func messages() throws {
        let keyspace = Keyspace()
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 5, id: 1000), nowNanoseconds: 0)
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 60, id: 7), nowNanoseconds: 0)
        try keyspace.put("leased", "v", lease: 1000)
        let ttl = keyspace.timeToLive(LeaseTimeToLiveRequest(id: 1000, keys: true), nowNanoseconds: 1_000_000_000)
        #expect(ttl.ttlSeconds == 4 && ttl.grantedTTLSeconds == 5 && ttl.keys == [b("leased")] && ttl.header.revision == 2)
        #expect(keyspace.keepAlive(1000, nowNanoseconds: 0) == LeaseKeepAliveResponse(header: ResponseHeader(revision: 2), id: 1000, ttlSeconds: 5))
        #expect(keyspace.keepAlive(999, nowNanoseconds: 0).ttlSeconds == 0)
        #expect(keyspace.leases().leases == [7, 1000])
    }
}
