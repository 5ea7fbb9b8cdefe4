import KVClient
import Objects
import Replica
import Testing
import TestSupport

/// The object store, its watch cache and informers over a real 3-member cluster (in-process
/// KVClient of a follower) while the leader is stopped mid-stream.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ClusterTests {
    /// Writes that tolerate every store error: the outcome of a write caught in the leader's stop is
    /// unknown, so names come from a small pool and create/update/delete accept any answer.
    static func tolerantWrites(_ store: ObjectStore<TestWidget>, rng: inout SplitMix, count: Int) async -> (ok: Int, failed: Int) {
        var ok = 0, failed = 0
        for _ in 0..<count {
            let name = "w\(rng.next() % 12)"
            let roll = rng.next() % 10
            do {
                switch roll {
                case 0..<4: _ = try await store.create(TestWidget(name: name, labels: roll % 2 == 0 ? ["app": "web"] : [:]))
                case 4..<8:
                    let n = Int(rng.next() % 1000)
                    _ = try await store.update(namespace: "default", name: name) { $0 = $0.withCount(n) }
                default: _ = try await store.delete(namespace: "default", name: name)
                }
                ok += 1
            } catch .alreadyExists, .notFound {
                ok += 1
            } catch {
                failed += 1
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
        }
        return (ok, failed)
    }

    /// How the store reaches the cluster.
    enum Access: String, CaseIterable, Sendable {
        /// A follower's in-process KVClient.
        case local
        /// HTTPKVClient over every member's client address (fails over when one stops).
        case http
    }

    @Test(arguments: [(UInt64(31), Access.local), (32, .http)])
    func informersConvergeThroughALeaderStop(seed: UInt64, access: Access) async throws {
        let cluster = try await offPool { try MemberCluster(size: 3) }
        defer { cluster.shutdown() }
        let leader = try await offPool { try MemberCluster.waitForLeader(cluster.config) }
        let follower = cluster.config.members.map(\.name).first { $0 != leader }!
        let client: any KVClient
        switch access {
        case .local: client = cluster.member(follower).kv
        case .http: client = HTTPKVClient(addresses: cluster.members.map { $0.config.client.socketAddress })
        }
        defer { (client as? HTTPKVClient)?.close() }
        let store = ObjectStore<TestWidget>(client: client, environment: .seeded(seed))
        var rng = SplitMix(seed)
        _ = await Self.tolerantWrites(store, rng: &rng, count: 20)

        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        let direct = Informer<TestWidget>(source: store)
        let viaCache = Informer<TestWidget>(source: cache, filter: { $0.metadata.labels["app"] == "web" })
        let directLog = VersionLog(), cacheLog = VersionLog()
        direct.addHandler(directLog.handler())
        viaCache.addHandler(cacheLog.handler())
        direct.start()
        viaCache.start()
        defer { direct.stop(); viaCache.stop() }
        #expect(await eventually(seconds: 20) { direct.hasSynced && viaCache.hasSynced })

        _ = await Self.tolerantWrites(store, rng: &rng, count: 20)
        let stopping = Task { try await offPool { cluster.member(leader).stop() } }
        let during = await Self.tolerantWrites(store, rng: &rng, count: 30)
        try await stopping.value
        let newLeader = try await offPool { try MemberCluster.waitForLeader(cluster.config, excluding: [leader]) }
        let after = await Self.tolerantWrites(store, rng: &rng, count: 20)
        print("\(access) seed \(seed): leader \(leader) stopped, new leader \(newLeader); writes during the stop \(during), after \(after)")
        #expect(after.ok > 0, "writes recovered after the leader stop")

        let final = try await store.list().items
        #expect(await eventually(seconds: 20) { direct.list() == final }, "direct informer converged (seed \(seed))")
        let web = final.filter { $0.metadata.labels["app"] == "web" }
        #expect(await eventually(seconds: 20) { viaCache.list() == web }, "cache informer converged (seed \(seed))")
        await direct.waitForHandlers()
        await viaCache.waitForHandlers()
        #expect(directLog.regressions() == [])
        #expect(cacheLog.regressions() == [])
    }
}
