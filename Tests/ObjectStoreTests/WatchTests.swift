import JSON
import KVClient
import Objects
import Testing

@Suite(.timeLimit(.minutes(1))) struct WatchTests {
    @Test func initialAddsThenChangesInOrder() async throws {
        let (client, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "a"))
        _ = try await store.create(TestWidget(name: "b"))
        let collector = EventCollector<TestWidget>()
        let handle = try await store.watch(namespace: "default") { collector.append($0) }
        defer { handle.cancel() }
        _ = try await store.update(namespace: "default", name: "a") { $0 = $0.withCount(1) }
        let deleted = try await store.delete(namespace: "default", name: "b")
        _ = try await store.create(TestWidget(name: "c"))
        let events = await collector.wait(count: 5)
        #expect(summary(events) == ["ADDED a", "ADDED b", "MODIFIED a", "DELETED b", "ADDED c"])
        // The DELETED event carries the prior object with the deletion's version.
        #expect(events[3].object == deleted.object)
        #expect(events[4].object!.metadata.resourceVersion == String(client.currentRevision))
    }

    @Test func fromVersionReplaysHistoryAndNeverDuplicates() async throws {
        let (_, store) = makeWidgetStore()
        let a = try await store.create(TestWidget(name: "a"))
        for i in 1...5 { _ = try await store.update(namespace: "default", name: "a") { $0 = $0.withCount(i) } }
        let collector = EventCollector<TestWidget>()
        let handle = try await store.watch(options: WatchOptions(resourceVersion: a.metadata.resourceVersion)) { collector.append($0) }
        defer { handle.cancel() }
        _ = try await store.update(namespace: "default", name: "a") { $0 = $0.withCount(6) }
        let events = await collector.wait(count: 6)
        try await Task.sleep(nanoseconds: 20_000_000)
        #expect(collector.snapshot.count == 6)
        #expect(events.map { $0.object!.count } == [1, 2, 3, 4, 5, 6])
        let versions = events.map { Int64($0.object!.metadata.resourceVersion)! }
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "a", labels: ["app": "web"]))
        let collector = EventCollector<TestWidget>()
        let handle = try await store.watch(filter: { $0.metadata.labels["app"] == "web" }) { collector.append($0) }
        defer { handle.cancel() }
        _ = try await store.create(TestWidget(name: "b"))                                       // never matches: nothing
        let relabeled = try await store.update(namespace: "default", name: "a") { $0.metadata.labels = ["app": "db"] }  // stops matching
        _ = try await store.update(namespace: "default", name: "b") { $0.metadata.labels = ["app": "web"] }  // starts matching
        _ = try await store.update(namespace: "default", name: "b") { $0 = $0.withCount(3) }              // still matches
        _ = try await store.delete(namespace: "default", name: "a")                                        // not matching: nothing
        _ = try await store.delete(namespace: "default", name: "b")
        let events = await collector.wait(count: 5)
        #expect(summary(events) == ["ADDED a", "DELETED a", "ADDED b", "MODIFIED b", "DELETED b"])
        // Stops matching: the previous content, with the change's version.
        #expect(events[1].object!.metadata.labels == ["app": "web"])
        #expect(events[1].object!.metadata.resourceVersion == relabeled.metadata.resourceVersion)
    }

    @Test func compactedStartIsGone() async throws {
        let (client, store) = makeWidgetStore()
        let a = try await store.create(TestWidget(name: "a"))
        _ = try await store.update(namespace: "default", name: "a") { $0 = $0.withCount(1) }
        _ = try await store.update(namespace: "default", name: "a") { $0 = $0.withCount(2) }
        // Compaction at R keeps R: a watch starting after `a`'s version needs the revision after it.
        try await client.compact(revision: client.currentRevision)
        let collector = EventCollector<TestWidget>()
        let handle = try await store.watch(options: WatchOptions(resourceVersion: a.metadata.resourceVersion)) { collector.append($0) }
        defer { handle.cancel() }
        let events = await collector.wait(count: 1)
        #expect(events == [.closed(.gone(message: "too old resource version: \(a.metadata.resourceVersion) (\(client.currentRevision))"))])
        #expect(events.first.map { StoreError.gone(message: "").httpCode == 410 && $0.typeName == "ERROR" } == true)
    }

    @Test func bookmarksOnlyWhenAsked() async throws {
        let (client, store) = makeWidgetStore()
        let with = EventCollector<TestWidget>()
        let without = EventCollector<TestWidget>()
        let h1 = try await store.watch(options: WatchOptions(allowBookmarks: true)) { with.append($0) }
        let h2 = try await store.watch(options: WatchOptions(allowBookmarks: false)) { without.append($0) }
        defer { h1.cancel(); h2.cancel() }
        client.notifyProgress()
        client.drainWatchQueue()
        #expect(summary(with.snapshot) == ["BOOKMARK \(client.currentRevision)"])
        #expect(without.snapshot.isEmpty)
    }

    @Test func canceledStoreWatchIsClosedUnavailable() async throws {
        let (client, store) = makeWidgetStore()
        let collector = EventCollector<TestWidget>()
        let handle = try await store.watch { collector.append($0) }
        defer { handle.cancel() }
        client.cancelAllWatches(reason: "member stopping")
        let events = await collector.wait(count: 1)
        #expect(events == [.closed(.unavailable(message: "member stopping"))])
    }
}
