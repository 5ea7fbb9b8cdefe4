import KVClient
import Objects
import Synchronization
import Testing

/// Records `(name, resourceVersion)` of every handler call, to check per-object ordering.
final class VersionLog: Sendable {
    let entries = Mutex<[(String, Int64)]>([])

    func handler() -> InformerHandler<TestWidget> {
        @Sendable func record(_ o: TestWidget) { entries.withLock { $0.append((o.metadata.name, Int64(o.metadata.resourceVersion) ?? -1)) } }
        return InformerHandler(onAdd: { record($0) }, onUpdate: { _, new in record(new) }, onDelete: { record($0) })
    }

    /// Names whose notifications went back in resourceVersion.
    func regressions() -> [String] {
        var last: [String: Int64] = [:]
        var bad: [String] = []
        for (name, rv) in entries.withLock({ $0 }) {
            if let previous = last[name], rv < previous { bad.append(name) }
            last[name] = rv
        }
        return bad.sorted()
    }
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct FaultTests {
    /// Seeded rounds of writes interleaved with store faults (every watch cancelled, compaction,
    /// watches refused for a while): informers straight on the store and on a watch cache must end
    /// with exactly the store's state, and never tell a handler an older version after a newer one.
    @Test(arguments: [UInt64(21), 22, 23])
    func informersConvergeThroughWatchFaults(seed: UInt64) async throws {
        let (client, store) = makeWidgetStore(seed: seed)
        var rng = SplitMix(seed)
        try await randomWorkload(store, seed: seed, steps: 10, prefix: "s")
        let cache = WatchCache(store: store, windowCapacity: 8)
        try await cache.start()
        defer { cache.stop() }
        let direct = Informer<TestWidget>(source: store)
        let viaCache = Informer<TestWidget>(source: cache)
        let directLog = VersionLog(), cacheLog = VersionLog()
        direct.addHandler(directLog.handler())
        viaCache.addHandler(cacheLog.handler())
        direct.start()
        viaCache.start()
        defer { direct.stop(); viaCache.stop() }
        // The cache's store watch and the direct informer's: both informers are watching.
        #expect(await eventually { client.watcherCount == 2 && direct.hasSynced && viaCache.hasSynced })
        var faults: [UInt64] = []
        for round in 0..<8 {
            try await randomWorkload(store, seed: rng.next(), steps: 6, prefix: "r\(round)-")
            let fault = rng.next() % 4
            faults.append(fault)
            switch fault {
            case 0:
                client.cancelAllWatches(reason: "test: member stopped")
            case 1:
                try await client.compact(revision: client.currentRevision)
            case 2:
                client.setRefuseWatches(true)
                client.cancelAllWatches(reason: "test: leader lost")
                try await randomWorkload(store, seed: rng.next(), steps: 5, prefix: "g\(round)-")
                try await client.compact(revision: client.currentRevision)
                try await Task.sleep(nanoseconds: 5_000_000)
                client.setRefuseWatches(false)
            default:
                break
            }
        }
        let final = try await store.list().items
        #expect(await eventually { direct.list() == final }, "direct informer, seed \(seed)")
        #expect(await eventually { viaCache.list() == final }, "cache informer, seed \(seed)")
        await direct.waitForHandlers()
        await viaCache.waitForHandlers()
        let cancels = faults.filter { $0 == 0 || $0 == 2 }.count
        #expect(cancels == 0 || (direct.listCount > 1 && cache.counters.reinitializations > 0),
                "the faults \(faults) forced re-lists (seed \(seed))")
        #expect(directLog.regressions() == [], "seed \(seed)")
        #expect(cacheLog.regressions() == [], "seed \(seed)")
    }
}
