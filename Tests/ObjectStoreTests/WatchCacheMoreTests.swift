import JSON
import KVClient
import Objects
import Testing

@Suite(.serialized, .timeLimit(.minutes(1))) struct WatchCacheMoreTests {
    @Test(arguments: [UInt64(11), 12])
    func watchFromNowMatchesDirectWatchFromNow(seed: UInt64) async throws {
        let (client, store) = makeWidgetStore(seed: seed)
        try await randomWorkload(store, seed: seed, steps: 25)
        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        let web: @Sendable (TestWidget) -> Bool = { $0.metadata.labels["app"] == "web" }
        let direct = EventCollector<TestWidget>()
        let cached = EventCollector<TestWidget>()
        let handle = try await store.watch(namespace: "a", options: WatchOptions(resourceVersion: ""), filter: web) { direct.append($0) }
        defer { handle.cancel() }
        let watcher = try cache.watch(namespace: "a", options: WatchOptions(resourceVersion: "0"), filter: web)
        defer { watcher.cancel() }
        drain(watcher, into: cached)
        try await randomWorkload(store, seed: seed &+ 1, steps: 25, prefix: "n")
        client.drainWatchQueue()
        let expected = direct.snapshot
        let got = await cached.wait { $0.count >= expected.count }
        #expect(got == expected, "seed \(seed)")
        #expect(!expected.isEmpty)
    }

    @Test func bookmarksFromProgressNotices() async throws {
        let (client, store) = makeWidgetStore()
        let cache = WatchCache(store: store, followWholeRegistry: false)
        try await cache.start()
        defer { cache.stop() }
        let with = try cache.watch(options: WatchOptions(resourceVersion: "1", allowBookmarks: true))
        let without = try cache.watch(options: WatchOptions(resourceVersion: "1"))
        let gadgets = ObjectStore<TestGadget>(client: client, environment: .seeded(2))
        _ = try await gadgets.create(TestGadget(name: "g"))
        client.notifyProgress()
        client.drainWatchQueue()
        #expect(with.take().map(\.objectEvent) == [.bookmark(resourceVersion: String(client.currentRevision))])
        #expect(without.take().isEmpty)
        #expect(cache.revision == client.currentRevision)
    }

    @Test func listsFromCacheHonourNamespaceFilterAndVersion() async throws {
        let (client, store) = makeWidgetStore()
        let cache = WatchCache(store: store, catchUpWaitNanoseconds: 500_000_000)
        try await cache.start()
        defer { cache.stop() }
        _ = try await store.create(TestWidget(namespace: "a", name: "x", labels: ["app": "web"]))
        _ = try await store.create(TestWidget(namespace: "a", name: "y"))
        let last = try await store.create(TestWidget(namespace: "b", name: "z", labels: ["app": "web"]))
        let inA = try await cache.list(namespace: "a")
        #expect(inA.items.map(\.metadata.name) == ["x", "y"])
        let web = try await cache.list(options: ListOptions(resourceVersion: last.metadata.resourceVersion)) { $0.metadata.labels["app"] == "web" }
        #expect(web.items.map(\.metadata.name) == ["x", "z"])
        #expect(web.resourceVersion == String(client.currentRevision))
        let cachedList = try #require(try await cache.cachedList(namespace: "b", options: ListOptions(resourceVersion: "0")))
        #expect(cachedList.items.map { $0.json } == [last.encodeJSON()])
        #expect(cache.counters.listsFromStore == 0)
        await #expect(throws: StoreError.badRequest(message: "invalid resource version: \"x\"")) { _ = try await cache.list(options: ListOptions(resourceVersion: "x")) }
    }

    @Test func namespaceRangesAndClusterScopedKindsMatchTheStore() async throws {
        let (client, store) = makeWidgetStore()
        for namespace in ["ab", "a", "a-b", "b", "a.b"] {
            for name in ["y", "x"] { _ = try await store.create(TestWidget(namespace: namespace, name: name)) }
        }
        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        for namespace in ["", "a", "a-b", "ab", "zz"] {
            let fromCache = try await cache.list(namespace: namespace, options: ListOptions(resourceVersion: "0")).items
            let fromStore = try await store.list(namespace: namespace).items
            #expect(fromCache == fromStore, "namespace \(namespace)")
            let watcher = try cache.watch(namespace: namespace)
            #expect(watcher.take().map { $0.objectEvent.object! } == fromStore)
        }
        // A cluster-scoped kind ignores the namespace, as the store does.
        let gadgets = ObjectStore<TestGadget>(client: client, environment: .seeded(4))
        _ = try await gadgets.create(TestGadget(name: "g1"))
        let gadgetCache = WatchCache(store: gadgets)
        try await gadgetCache.start()
        defer { gadgetCache.stop() }
        #expect(try await gadgetCache.list(namespace: "stray", options: ListOptions(resourceVersion: "0")).items.map(\.metadata.name) == ["g1"])
        #expect(try await gadgets.list(namespace: "stray").items.map(\.metadata.name) == ["g1"])
        #expect(try gadgetCache.watch(namespace: "stray").take().count == 1)
    }

    @Test func handlerAddedAfterStartGetsTheCacheAsAdds() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "a"))
        _ = try await store.create(TestWidget(name: "b"))
        let informer = Informer<TestWidget>(source: store)
        informer.start()
        defer { informer.stop() }
        #expect(await eventually { informer.hasSynced })
        let log = HandlerLog()
        informer.addHandler(log.handler())
        _ = try await store.create(TestWidget(name: "c"))
        #expect(await eventually { log.snapshot.count == 3 })
        #expect(log.snapshot == ["add a", "add b", "add c"])
    }

    @Test func stoppedInformerCallsNoMoreHandlers() async throws {
        let (client, store) = makeWidgetStore()
        let informer = Informer<TestWidget>(source: store)
        let log = HandlerLog()
        informer.addHandler(log.handler())
        informer.start()
        _ = try await store.create(TestWidget(name: "a"))
        #expect(await eventually { log.snapshot == ["add a"] })
        informer.stop()
        #expect(await eventually { client.watcherCount == 0 })
        _ = try await store.create(TestWidget(name: "b"))
        client.drainWatchQueue()
        await informer.waitForHandlers()
        #expect(log.snapshot == ["add a"])
    }
}
