import JSON
import KVClient
import Objects
import Synchronization
import Testing
import TestSupport

/// Records handler calls as `add w`, `update w`, `delete w`, `resync w` lines.
final class HandlerLog: Sendable {
    let lines = Mutex<[String]>([])
    var snapshot: [String] { lines.withLock { $0 } }

    func handler() -> InformerHandler<TestWidget> {
        InformerHandler(
            onAdd: { o in self.lines.withLock { $0.append("add \(o.metadata.name)") } },
            onUpdate: { old, new in
                self.lines.withLock { $0.append(old == new ? "resync \(new.metadata.name)" : "update \(new.metadata.name)") }
            },
            onDelete: { o in self.lines.withLock { $0.append("delete \(o.metadata.name)") } })
    }
}

/// Waits (bounded) until `condition` holds.
func eventually(seconds: Double = 30, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = monotonicSeconds() + seconds
    while monotonicSeconds() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: 2_000_000)
    }
    return try await condition()
}

/// The informer's cache equals the store's current list.
func converged(_ informer: Informer<TestWidget>, _ store: ObjectStore<TestWidget>) async throws -> Bool {
    informer.list() == (try await store.list()).items
}

/// TEST SOURCE: wraps a store; when armed, runs `beforeWatch` (e.g. writes and a compaction) just
/// before the next watch starts, so that watch begins below the compaction point.
final class GapSource: ObjectListWatcher, Sendable {
    typealias Object = TestWidget
    let store: ObjectStore<TestWidget>
    let armed = Mutex<(@Sendable () async throws -> Void)?>(nil)

    init(store: ObjectStore<TestWidget>) { self.store = store }

    func list(namespace: String, options: ListOptions, filter: ((TestWidget) -> Bool)?) async throws(StoreError) -> ObjectList<TestWidget> {
        try await store.list(namespace: namespace, options: options, filter: filter)
    }

    func watch(namespace: String, options: WatchOptions, filter: (@Sendable (TestWidget) -> Bool)?,
               handler: @escaping @Sendable (ObjectWatchEvent<TestWidget>) -> Void) async throws(StoreError) -> any WatchHandle {
        if let gap = armed.withLock({ a in defer { a = nil }; return a }) { try? await gap() }
        return try await store.watch(namespace: namespace, options: options, filter: filter, handler: handler)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct InformerTests {
    @Test func listsThenWatchesInOrderWithIndex() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "a", labels: ["app": "web"]))
        _ = try await store.create(TestWidget(name: "b"))
        let informer = Informer<TestWidget>(source: store, indexers: ["app": { o in o.metadata.labels["app"].map { [$0] } ?? [] }])
        let log = HandlerLog()
        informer.addHandler(log.handler())
        #expect(!informer.hasSynced)
        informer.start()
        defer { informer.stop() }
        #expect(await eventually { informer.hasSynced })
        #expect(informer.listCount == 1)
        #expect(informer.byIndex("app", "web").map(\.metadata.name) == ["a"])
        _ = try await store.update(namespace: "default", name: "b") { $0.metadata.labels = ["app": "web"] }
        _ = try await store.delete(namespace: "default", name: "a")
        _ = try await store.create(TestWidget(name: "c"))
        #expect(try await eventually { try await converged(informer, store) })
        await informer.waitForHandlers()
        #expect(log.snapshot == ["add a", "add b", "update b", "delete a", "add c"])
        #expect(informer.byIndex("app", "web").map(\.metadata.name) == ["b"])
        #expect(informer.get(namespace: "default", name: "c")?.metadata.name == "c")
        #expect(informer.lastSyncResourceVersion == (try await store.list()).resourceVersion)
    }

    @Test(arguments: [UInt64(7), 8])
    func convergesAfterForced410(seed: UInt64) async throws {
        let (client, store) = makeWidgetStore(seed: seed)
        try await randomWorkload(store, seed: seed, steps: 15, prefix: "p")
        let source = GapSource(store: store)
        let informer = Informer<TestWidget>(source: source)
        let log = HandlerLog()
        informer.addHandler(log.handler())
        informer.start()
        defer { informer.stop() }
        #expect(try await eventually { try await converged(informer, store) })
        #expect(await eventually { client.watcherCount == 1 }, "the informer is watching")
        // The next watch starts only after more writes and a compaction past the informer's version:
        // it is refused with 410, the informer lists again and tells its handlers the difference.
        source.armed.withLock { $0 = {
            try await randomWorkload(store, seed: seed &+ 1, steps: 25, prefix: "q")
            try await client.compact(revision: client.currentRevision)
        } }
        client.cancelAllWatches(reason: "test: watch stopped")
        #expect(await eventually { informer.listCount >= 3 })
        try await randomWorkload(store, seed: seed &+ 2, steps: 10, prefix: "r")
        #expect(try await eventually { try await converged(informer, store) }, "seed \(seed)")
        // Replaying the handler calls gives the final state too.
        await informer.waitForHandlers()
        var replay: [String: Int] = [:]
        for line in log.snapshot {
            let parts = line.split(separator: " ")
            switch parts[0] {
            case "add": replay[String(parts[1]), default: 0] += 1
            case "delete": replay[String(parts[1]), default: 0] -= 1
            default: break
            }
        }
        let live = Set(replay.filter { $0.value == 1 }.map(\.key))
        #expect(replay.values.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(live == Set(try await store.list().items.map(\.metadata.name)))
    }

    @Test func resyncCallsUpdateForEveryObject() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "a"))
        let informer = Informer<TestWidget>(source: store, resyncNanoseconds: 20_000_000)
        let log = HandlerLog()
        informer.addHandler(log.handler())
        informer.start()
        defer { informer.stop() }
        #expect(await eventually { log.snapshot.contains("resync a") })
    }

    @Test func worksOverTheWatchCacheAndThroughItsRestart() async throws {
        let (client, store) = makeWidgetStore()
        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        let informer = Informer<TestWidget>(source: cache, filter: { $0.metadata.labels["app"] == "web" })
        informer.start()
        defer { informer.stop() }
        _ = try await store.create(TestWidget(name: "a", labels: ["app": "web"]))
        _ = try await store.create(TestWidget(name: "b"))
        #expect(await eventually { informer.list().map(\.metadata.name) == ["a"] })
        client.cancelAllWatches(reason: "test: member stopped")
        _ = try await store.update(namespace: "default", name: "b") { $0.metadata.labels = ["app": "web"] }
        _ = try await store.delete(namespace: "default", name: "a")
        #expect(await eventually { informer.list().map(\.metadata.name) == ["b"] })
    }
}
