import KVClient
import Objects
import Testing

@Suite(.timeLimit(.minutes(1))) struct ConcurrencyTests {
    @Test(arguments: [2, 8])
    func guaranteedUpdatesNeverLoseAnIncrement(updaters: Int) async throws {
        let (client, store) = makeWidgetStore()
        var s = store
        s.maxUpdateAttempts = 1_000
        let bounded = s
        _ = try await store.create(TestWidget(name: "counter").withCount(0))
        let perUpdater = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<updaters {
                group.addTask {
                    for _ in 0..<perUpdater {
                        _ = try await bounded.update(namespace: "default", name: "counter") { $0 = $0.withCount($0.count + 1) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await store.get(namespace: "default", name: "counter")
        #expect(final.count == updaters * perUpdater)
        #expect(final.metadata.generation == Int64(1 + updaters * perUpdater))
        #expect(final.metadata.resourceVersion == String(client.currentRevision))
    }

    @Test func conditionalUpdatersRetryOnConflictAndNeverLoseAnIncrement() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "counter").withCount(0))
        let updaters = 6, perUpdater = 15
        let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<updaters {
                group.addTask {
                    var conflicts = 0
                    var done = 0
                    var attempts = 0
                    while done < perUpdater && attempts < 10_000 {
                        attempts += 1
                        let current = try await store.get(namespace: "default", name: "counter")
                        do {
                            _ = try await store.update(current.withCount(current.count + 1))
                            done += 1
                        } catch StoreError.conflict {
                            conflicts += 1
                        }
                    }
                    return conflicts
                }
            }
            return try await group.reduce(0, +)
        }
        let final = try await store.get(namespace: "default", name: "counter")
        #expect(final.count == updaters * perUpdater)
        _ = conflicts  // how many depends on scheduling; correctness does not
    }
}
