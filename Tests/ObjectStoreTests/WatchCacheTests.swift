import JSON
import KVClient
import Objects
import Testing

/// Drains a cache watcher into a collector on a task; the task ends when the watch does.
@discardableResult
func drain<T: APIObject>(_ watcher: CacheWatcher<T>, into collector: EventCollector<T>) -> Task<Void, Never> {
    Task {
        while true {
            let batch = await watcher.next()
            if batch.isEmpty { return }
            for e in batch { collector.append(e.objectEvent) }
        }
    }
}

/// A seeded random workload over widgets in two namespaces: creates, spec and label changes, deletes.
func randomWorkload(_ store: ObjectStore<TestWidget>, seed: UInt64, steps: Int, prefix: String = "w") async throws {
    var rng = SplitMix(seed)
    var live: [String] = []
    for step in 0..<steps {
        let roll = rng.next() % 10
        if live.isEmpty || roll < 3 {
            let ns = rng.next() % 2 == 0 ? "a" : "b"
            let name = "\(prefix)\(step)"
            _ = try await store.create(TestWidget(namespace: ns, name: name, labels: rng.next() % 2 == 0 ? ["app": "web"] : [:]))
            live.append(ns + "/" + name)
        } else {
            let index = Int(rng.next() % UInt64(live.count))
            let parts = live[index].split(separator: "/").map(String.init)
            switch roll {
            case 3, 4, 5:
                let n = Int(rng.next() % 100)
                _ = try await store.update(namespace: parts[0], name: parts[1]) { $0 = $0.withCount(n) }
            case 6, 7:
                let web = rng.next() % 2 == 0
                _ = try await store.update(namespace: parts[0], name: parts[1]) { $0.metadata.labels = web ? ["app": "web"] : [:] }
            default:
                _ = try await store.delete(namespace: parts[0], name: parts[1])
                live.remove(at: index)
            }
        }
    }
}

/// SplitMix64, for seeded test workloads.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct WatchCacheTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func cachedWatchersSeeExactlyWhatDirectWatchesSee(seed: UInt64) async throws {
        let (client, store) = makeWidgetStore(seed: seed)
        try await randomWorkload(store, seed: seed &+ 100, steps: 20)
        let cache = WatchCache(store: store, windowCapacity: 10_000)
        try await cache.start()
        defer { cache.stop() }
        let start = cache.revision
        try await randomWorkload(store, seed: seed &+ 200, steps: 15, prefix: "m")
        let middle = cache.revision
        // Each case: namespace, filter, start version.
        let web: @Sendable (TestWidget) -> Bool = { $0.metadata.labels["app"] == "web" }
        let cases: [(String, (@Sendable (TestWidget) -> Bool)?, Int64)] = [
            ("", nil, start), ("a", nil, start), ("", web, start), ("b", web, middle), ("", nil, middle),
        ]
        var pairs: [(EventCollector<TestWidget>, EventCollector<TestWidget>, any WatchHandle, CacheWatcher<TestWidget>)] = []
        for (namespace, filter, from) in cases {
            let direct = EventCollector<TestWidget>()
            let cached = EventCollector<TestWidget>()
            let options = WatchOptions(resourceVersion: String(from))
            let handle = try await store.watch(namespace: namespace, options: options, filter: filter) { direct.append($0) }
            let watcher = try cache.watch(namespace: namespace, options: options, filter: filter)
            drain(watcher, into: cached)
            pairs.append((direct, cached, handle, watcher))
        }
        try await randomWorkload(store, seed: seed &+ 300, steps: 30, prefix: "z")
        // Every update of the store (direct watches and the cache's own) goes through the client's
        // one delivery queue: once it is drained, the direct collectors are complete.
        client.drainWatchQueue()
        for (index, (direct, cached, handle, watcher)) in pairs.enumerated() {
            let expected = direct.snapshot
            let got = await cached.wait(seconds: 10) { $0.count >= expected.count }
            #expect(got == expected, "case \(index), seed \(seed)")
            #expect(!got.isEmpty || cases[index].0 == "b", "case \(index) saw events")
            handle.cancel()
            watcher.cancel()
        }
    }

    @Test func initialStateAndSharedEncoding() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(namespace: "a", name: "x"))
        _ = try await store.create(TestWidget(namespace: "b", name: "y"))
        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        let w1 = try cache.watch()
        let w2 = try cache.watch(namespace: "b")
        #expect(w1.take().map { $0.objectEvent.object!.metadata.name } == ["x", "y"])
        #expect(w2.take().map { $0.objectEvent.object!.metadata.name } == ["y"])
        _ = try await store.create(TestWidget(namespace: "b", name: "z"))
        let e1 = await w1.next()
        let e2 = await w2.next()
        guard case .added(let o1) = e1.first, case .added(let o2) = e2.first else { Issue.record("\(e1) \(e2)"); return }
        #expect(o1 === o2, "one decoded object shared by every watcher")
        #expect(o1.json == o1.object.encodeJSON())
        let json1 = o1.json, json2 = o2.json
        #expect(json1.withUnsafeBufferPointer { $0.baseAddress } == json2.withUnsafeBufferPointer { $0.baseAddress }, "encoded once")
    }

    @Test func windowServesRecentVersionsAndOlderIsGone() async throws {
        let (_, store) = makeWidgetStore()
        let cache = WatchCache(store: store, windowCapacity: 5)
        try await cache.start()
        defer { cache.stop() }
        var versions: [String] = []
        for i in 0..<10 { versions.append(try await store.create(TestWidget(name: "w\(i)")).metadata.resourceVersion) }
        _ = await EventCollector<TestWidget>().wait { _ in cache.revision >= Int64(versions.last!)! }
        let recent = try cache.watch(options: WatchOptions(resourceVersion: versions[5]))
        #expect(recent.take().map { $0.objectEvent.object!.metadata.name } == ["w6", "w7", "w8", "w9"])
        let old = try cache.watch(options: WatchOptions(resourceVersion: versions[2]))
        let events = old.take().map(\.objectEvent)
        #expect(events == [.closed(.gone(message: "too old resource version: \(versions[2]) (\(versions[4]))"))])
        #expect(old.isFinished)
    }

    @Test func slowWatcherIsTerminatedOthersContinue() async throws {
        let (_, store) = makeWidgetStore()
        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        let slow = try cache.watch(bufferCapacity: 3)
        let fast = try cache.watch(bufferCapacity: 100)
        for i in 0..<6 { _ = try await store.create(TestWidget(name: "w\(i)")) }
        _ = await EventCollector<TestWidget>().wait { _ in fast.bufferedCount >= 6 }
        let slowEvents = slow.take().map(\.objectEvent)
        #expect(summary(slowEvents) == ["ADDED w0", "ADDED w1", "ADDED w2", "ERROR ServiceUnavailable"])
        #expect(slow.isFinished)
        #expect(fast.take().count == 6)
        #expect(cache.watcherCount == 2, "a terminated watcher stays registered until cancelled")
        slow.cancel()
        #expect(cache.watcherCount == 1)
    }

    @Test func consistentListWaitsForTheCacheOrGoesToTheStore() async throws {
        let (client, store) = makeWidgetStore()
        let cache = WatchCache(store: store, catchUpWaitNanoseconds: 30_000_000, followWholeRegistry: false)
        try await cache.start()
        defer { cache.stop() }
        _ = try await store.create(TestWidget(name: "a"))
        let list = try await cache.list()
        #expect(list.items.map(\.metadata.name) == ["a"])
        #expect(cache.counters.listsFromCache == 1)
        // A write to another resource moves the store's revision; a cache following only its own
        // prefix cannot know it has nothing to catch up on, so the store answers...
        let gadgets = ObjectStore<TestGadget>(client: client, environment: .seeded(9))
        _ = try await gadgets.create(TestGadget(name: "g"))
        let fallback = try await cache.list()
        #expect(fallback.resourceVersion == String(client.currentRevision))
        #expect(cache.counters.listsFromStore == 1)
        // ...until a progress notice tells it.
        client.notifyProgress()
        client.drainWatchQueue()
        let fromCache = try await cache.list()
        #expect(fromCache.resourceVersion == String(client.currentRevision) && fromCache.items.count == 1)
        #expect(cache.counters.listsFromCache == 2)
        // "0" never waits; limit goes to the store.
        _ = try await cache.list(options: ListOptions(resourceVersion: "0"))
        #expect(cache.counters.listsFromCache == 3)
        let page = try await cache.list(options: ListOptions(limit: 1))
        #expect(page.items.count == 1 && cache.counters.listsFromStore == 2)
    }

    @Test func followingTheWholeRegistryAnswersConsistentListsFromMemory() async throws {
        let (client, store) = makeWidgetStore()
        let cache = WatchCache(store: store, catchUpWaitNanoseconds: 2_000_000_000)
        try await cache.start()
        defer { cache.stop() }
        _ = try await store.create(TestWidget(name: "a"))
        let gadgets = ObjectStore<TestGadget>(client: client, environment: .seeded(9))
        _ = try await gadgets.create(TestGadget(name: "g"))
        let list = try await cache.list()
        #expect(list.items.map(\.metadata.name) == ["a"])
        #expect(list.resourceVersion == String(client.currentRevision))
        #expect(cache.counters.listsFromCache == 1 && cache.counters.listsFromStore == 0)
        // Other resources' changes are not events of this cache.
        let watcher = try cache.watch(options: WatchOptions(resourceVersion: "1"))
        #expect(summary(watcher.take().map(\.objectEvent)) == ["ADDED a"])
    }

    @Test func cacheRestartsWhenItsStoreWatchEnds() async throws {
        let (client, store) = makeWidgetStore()
        let cache = WatchCache(store: store)
        try await cache.start()
        defer { cache.stop() }
        let watcher = try cache.watch()
        client.cancelAllWatches(reason: "leader lost")
        _ = try await store.create(TestWidget(name: "after"))
        let events = await watcher.next()
        #expect(summary(events.map(\.objectEvent)) == ["ERROR ServiceUnavailable"])
        let target = client.currentRevision
        _ = await EventCollector<TestWidget>().wait { _ in cache.isReady && cache.revision >= target }
        #expect(cache.counters.reinitializations == 1)
        #expect(try await cache.list(options: ListOptions(resourceVersion: "0")).items.map(\.metadata.name) == ["after"])
        let again = try cache.watch(options: WatchOptions(resourceVersion: String(target)))
        _ = try await store.create(TestWidget(name: "later"))
        #expect(summary(await again.next().map(\.objectEvent)) == ["ADDED later"])
    }
}
