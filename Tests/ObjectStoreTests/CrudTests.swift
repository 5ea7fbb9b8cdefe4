import JSON
import KVClient
import Objects
import Testing

/// A fresh store of widgets over a fresh keyspace.
func makeWidgetStore(seed: UInt64 = 1) -> (KeyspaceKVClient, ObjectStore<TestWidget>) {
    let client = KeyspaceKVClient()
    return (client, ObjectStore<TestWidget>(client: client, environment: .seeded(seed)))
}

@Suite struct CrudTests {
    @Test func createSetsStoreOwnedMetadata() async throws {
        let (client, store) = makeWidgetStore()
        var w = TestWidget(name: "web", spec: .object([("count", .number("1"))]))
        w.metadata.resourceVersion = "999"
        w.metadata.uid = "client-uid"
        w.metadata.generation = 7
        let created = try await store.create(w)
        #expect(created.metadata.resourceVersion == String(client.currentRevision))
        #expect(created.metadata.generation == 1)
        #expect(created.metadata.uid.count == 36 && created.metadata.uid != "client-uid")
        let uid = Array(created.metadata.uid.utf8)
        #expect(uid[14] == UInt8(ascii: "4"))
        #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(uid[19]))
        #expect(created.metadata.creationTimestamp == Timestamp(seconds: 1_795_000_000))
        let got = try await store.get(namespace: "default", name: "web")
        #expect(got == created)
        // Stored bytes carry no resourceVersion.
        let raw = try await client.range(RangeQuery(KeyRange(key: Array("/registry/widgets/default/web".utf8))))
        #expect(!String(decoding: raw.pairs[0].value, as: UTF8.self).contains("resourceVersion"))
    }

    @Test func createExistingIsAlreadyExistsAndChangesNothing() async throws {
        let (client, store) = makeWidgetStore()
        _ = try await store.create(TestWidget(name: "web"))
        let revision = client.currentRevision
        await #expect(throws: StoreError.alreadyExists(resource: "widgets.example.dev", name: "web")) {
            _ = try await store.create(TestWidget(name: "web"))
        }
        #expect(client.currentRevision == revision)
        #expect(StoreError.alreadyExists(resource: "pods", name: "web").description == "pods \"web\" already exists")
    }

    @Test func getMissingIsNotFound() async {
        let (_, store) = makeWidgetStore()
        await #expect(throws: StoreError.notFound(resource: "widgets.example.dev", name: "nope")) {
            _ = try await store.get(namespace: "default", name: "nope")
        }
        #expect(StoreError.notFound(resource: "pods", name: "web").description == "pods \"web\" not found")
    }

    @Test func missingNameOrNamespaceIsInvalid() async {
        let (client, store) = makeWidgetStore()
        let before = client.currentRevision
        do {
            _ = try await store.create(TestWidget(name: ""))
            Issue.record("expected invalid")
        } catch {
            guard case .invalid(let kind, _, let causes) = error else { Issue.record("\(error)"); return }
            #expect(kind == "Widget")
            #expect(causes.map(\.description) == ["metadata.name: Required value: name or generateName is required"])
        }
        await #expect(throws: StoreError.self) { _ = try await store.create(TestWidget(namespace: "", name: "a")) }
        await #expect(throws: StoreError.self) { _ = try await store.create(TestWidget(name: "a/b")) }
        #expect(client.currentRevision == before)
    }

    @Test func generateNameRetriesOnCollision() async throws {
        // Two stores with the same seed generate the same first suffix: the second must move on.
        let client = KeyspaceKVClient()
        let a = ObjectStore<TestWidget>(client: client, environment: .seeded(42))
        let b = ObjectStore<TestWidget>(client: client, environment: .seeded(42))
        var w = TestWidget(name: "")
        w.metadata.generateName = "web-"
        let first = try await a.create(w)
        let second = try await b.create(w)
        #expect(first.metadata.name.hasPrefix("web-") && first.metadata.name.count == 9)
        #expect(second.metadata.name.hasPrefix("web-") && second.metadata.name != first.metadata.name)
        for ch in first.metadata.name.dropFirst(4).utf8 {
            #expect((ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39))
        }
    }

    @Test func clusterScopedKindIgnoresNamespace() async throws {
        let client = KeyspaceKVClient()
        let store = ObjectStore<TestGadget>(client: client, environment: .seeded(3))
        var g = TestGadget(name: "g1")
        g.metadata.namespace = "stray"
        let created = try await store.create(g)
        #expect(created.metadata.namespace == "")
        #expect(try await store.get(name: "g1") == created)
    }

    @Test func updateWithStaleVersionConflicts() async throws {
        let (client, store) = makeWidgetStore()
        let v1 = try await store.create(TestWidget(name: "web").withCount(1))
        let v2 = try await store.update(v1.withCount(2))
        #expect(v2.metadata.generation == 2)
        let revision = client.currentRevision
        do {
            _ = try await store.update(v1.withCount(3))
            Issue.record("expected conflict")
        } catch {
            #expect(error == .conflict(message: "Operation cannot be fulfilled on widgets.example.dev \"web\": the object has been modified; please apply your changes to the latest version and try again"))
        }
        #expect(client.currentRevision == revision)
        // Empty resourceVersion: unconditional.
        var blind = v1.withCount(4)
        blind.metadata.resourceVersion = ""
        let v3 = try await store.update(blind)
        #expect(v3.count == 4 && v3.metadata.generation == 3)
    }

    @Test func updateKeepsStoreOwnedFieldsAndStatus() async throws {
        let (_, store) = makeWidgetStore()
        let created = try await store.create(TestWidget(name: "web", status: .object([("phase", .string("Pending"))])))
        #expect(created.status == .object([("phase", .string("Pending"))]))
        var edited = created
        edited.metadata.uid = "forged"
        edited.metadata.creationTimestamp = Timestamp(seconds: 1)
        edited.metadata.generation = 99
        edited.metadata.labels = ["app": "web"]
        edited.status = .object([("phase", .string("Running"))])
        let updated = try await store.update(edited)
        #expect(updated.metadata.uid == created.metadata.uid)
        #expect(updated.metadata.creationTimestamp == created.metadata.creationTimestamp)
        #expect(updated.metadata.generation == 1, "labels are not spec")
        #expect(updated.metadata.labels == ["app": "web"])
        #expect(updated.status == created.status, "an update keeps the stored status")
        #expect(try await store.get(namespace: "default", name: "web") == updated)
    }

    @Test func updateStatusTouchesOnlyStatus() async throws {
        let (_, store) = makeWidgetStore()
        let created = try await store.create(TestWidget(name: "web").withCount(1))
        var s = created.withCount(50)
        s.metadata.labels = ["x": "y"]
        s.status = .object([("ready", .bool(true))])
        let updated = try await store.updateStatus(s)
        #expect(updated.status == .object([("ready", .bool(true))]))
        #expect(updated.count == 1 && updated.metadata.labels.isEmpty && updated.metadata.generation == 1)
        // Stale status update conflicts.
        await #expect(throws: StoreError.self) { _ = try await store.updateStatus(s) }
        // A kind without status has no status subresource.
        let gadgets = ObjectStore<TestGadget>(client: store.client, environment: .seeded(1))
        let g = try await gadgets.create(TestGadget(name: "g"))
        await #expect(throws: StoreError.notFound(resource: "gadgets/status", name: "g")) { _ = try await gadgets.updateStatus(g) }
    }

    @Test func noOpUpdateWritesNothing() async throws {
        let (client, store) = makeWidgetStore()
        let created = try await store.create(TestWidget(name: "web").withCount(1))
        let revision = client.currentRevision
        let same = try await store.update(created)
        #expect(same == created)
        #expect(client.currentRevision == revision)
        let viaClosure = try await store.update(namespace: "default", name: "web") { _ in }
        #expect(viaClosure == created && client.currentRevision == revision)
    }

    @Test func badResourceVersionIsBadRequest() async throws {
        let (_, store) = makeWidgetStore()
        var w = try await store.create(TestWidget(name: "web"))
        w.metadata.resourceVersion = "abc"
        await #expect(throws: StoreError.badRequest(message: "invalid resource version: \"abc\"")) { _ = try await store.update(w) }
    }

    @Test func validationHookRejectsWithoutWriting() async throws {
        let client = KeyspaceKVClient()
        let store = ObjectStore<TestWidget>(client: client, environment: .seeded(1)) { new, _ in
            new.count < 0 ? [FieldError(.invalid(value: String(new.count)), FieldPath("spec").child("count"), "must be non-negative")] : []
        }
        let before = client.currentRevision
        await #expect(throws: StoreError.invalid(kind: "Widget", name: "w", causes: [FieldError(.invalid(value: "-1"), FieldPath("spec").child("count"), "must be non-negative")])) {
            _ = try await store.create(TestWidget(name: "w").withCount(-1))
        }
        #expect(client.currentRevision == before)
        let ok = try await store.create(TestWidget(name: "w").withCount(1))
        await #expect(throws: StoreError.self) { _ = try await store.update(ok.withCount(-5)) }
        #expect(try await store.get(namespace: "default", name: "w").count == 1)
    }

    @Test func unavailableStoreIsTypedError() async {
        let (client, store) = makeWidgetStore()
        client.setUnavailable(true)
        await #expect(throws: StoreError.unavailable(message: "test: store unavailable")) { _ = try await store.create(TestWidget(name: "w")) }
    }
}
