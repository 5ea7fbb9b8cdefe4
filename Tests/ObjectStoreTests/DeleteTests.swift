import JSON
import KVClient
import Objects
import Testing

@Suite struct DeleteTests {
    @Test func plainDeleteRemovesTheKey() async throws {
        let (client, store) = makeWidgetStore()
        let created = try await store.create(TestWidget(name: "web"))
        let outcome = try await store.delete(namespace: "default", name: "web")
        guard case .deleted(let last) = outcome else { Issue.record("\(outcome)"); return }
        #expect(last.metadata.uid == created.metadata.uid)
        #expect(last.metadata.resourceVersion == String(client.currentRevision))
        await #expect(throws: StoreError.notFound(resource: "widgets.example.dev", name: "web")) { _ = try await store.get(namespace: "default", name: "web") }
        await #expect(throws: StoreError.notFound(resource: "widgets.example.dev", name: "web")) { _ = try await store.delete(namespace: "default", name: "web") }
    }

    @Test func preconditionsConflict() async throws {
        let (client, store) = makeWidgetStore()
        let created = try await store.create(TestWidget(name: "web"))
        let revision = client.currentRevision
        await #expect(throws: StoreError.conflict(message: "Operation cannot be fulfilled on widgets.example.dev \"web\": Precondition failed: UID in precondition: other, UID in object meta: \(created.metadata.uid)")) {
            _ = try await store.delete(namespace: "default", name: "web", options: DeleteOptions(preconditionUID: "other"))
        }
        await #expect(throws: StoreError.self) {
            _ = try await store.delete(namespace: "default", name: "web", options: DeleteOptions(preconditionResourceVersion: "1"))
        }
        #expect(client.currentRevision == revision)
        let outcome = try await store.delete(namespace: "default", name: "web",
                                             options: DeleteOptions(preconditionUID: created.metadata.uid,
                                                                    preconditionResourceVersion: created.metadata.resourceVersion))
        #expect(outcome == .deleted({ var c = created; c.metadata.resourceVersion = String(client.currentRevision); return c }()))
    }

    @Test func finalizersHoldTheObjectUntilEmptied() async throws {
        let (client, store) = makeWidgetStore()
        var w = TestWidget(name: "web")
        w.metadata.finalizers = ["example.dev/cleanup", "example.dev/other"]
        let created = try await store.create(w)
        let outcome = try await store.delete(namespace: "default", name: "web")
        guard case .markedForDeletion(let marked) = outcome else { Issue.record("\(outcome)"); return }
        #expect(marked.metadata.deletionTimestamp == Timestamp(seconds: 1_795_000_000))
        #expect(marked.metadata.deletionGracePeriodSeconds == 0)
        #expect(marked.metadata.generation == created.metadata.generation + 1)
        // A second delete changes nothing.
        let revision = client.currentRevision
        #expect(try await store.delete(namespace: "default", name: "web") == .markedForDeletion(marked))
        #expect(client.currentRevision == revision)
        // Updates cannot clear the deletion timestamp; removing one finalizer keeps the object.
        let partly = try await store.update(namespace: "default", name: "web") { obj in
            obj.metadata.deletionTimestamp = nil
            obj.metadata.finalizers = ["example.dev/other"]
        }
        #expect(partly.metadata.deletionTimestamp == marked.metadata.deletionTimestamp)
        // Emptying the finalizers deletes it.
        _ = try await store.update(namespace: "default", name: "web") { obj in obj.metadata.finalizers = [] }
        await #expect(throws: StoreError.notFound(resource: "widgets.example.dev", name: "web")) { _ = try await store.get(namespace: "default", name: "web") }
    }

    @Test func gracePeriodMarksThenZeroGraceDeletes() async throws {
        let (_, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "pod"))
        let outcome = try await store.delete(namespace: "default", name: "pod", options: DeleteOptions(gracePeriodSeconds: 30))
        guard case .markedForDeletion(let marked) = outcome else { Issue.record("\(outcome)"); return }
        #expect(marked.metadata.deletionTimestamp == Timestamp(seconds: 1_795_000_030))
        #expect(marked.metadata.deletionGracePeriodSeconds == 30)
        let final = try await store.delete(namespace: "default", name: "pod", options: DeleteOptions(gracePeriodSeconds: 0))
        guard case .deleted = final else { Issue.record("\(final)"); return }
    }
}
