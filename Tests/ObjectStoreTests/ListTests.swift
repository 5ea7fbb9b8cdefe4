import JSON
import KVClient
import Objects
import Testing

@Suite struct ListTests {
    /// Creates `count` widgets `w000`... in `namespace`, every third labelled `tier=front`.
    static func populate(_ store: ObjectStore<TestWidget>, count: Int, namespace: String = "default") async throws {
        for i in 0..<count {
            let name = "w" + String(repeating: "0", count: 3 - String(i).count) + String(i)
            _ = try await store.create(TestWidget(namespace: namespace, name: name, labels: i % 3 == 0 ? ["tier": "front"] : [:]))
        }
    }

    @Test func listsNamespaceOrAllInKeyOrderAtOneRevision() async throws {
        let (client, store) = makeWidgetStore()
        try await Self.populate(store, count: 5, namespace: "b")
        try await Self.populate(store, count: 3, namespace: "a")
        _ = try await store.create(TestWidget(namespace: "b2", name: "x"))
        let all = try await store.list()
        #expect(all.items.map { "\($0.metadata.namespace)/\($0.metadata.name)" } ==
                ["a/w000", "a/w001", "a/w002", "b/w000", "b/w001", "b/w002", "b/w003", "b/w004", "b2/x"])
        #expect(all.resourceVersion == String(client.currentRevision))
        #expect(all.continueToken == nil)
        let b = try await store.list(namespace: "b")
        #expect(b.items.count == 5, "the trailing slash keeps b2 out")
        let front = try await store.list(namespace: "b") { $0.metadata.labels["tier"] == "front" }
        #expect(front.items.map(\.metadata.name) == ["w000", "w003"])
    }

    @Test(arguments: [1, 2, 3, 7, 50])
    func pagesCoverEverythingOnceAcrossWrites(limit: Int) async throws {
        let (_, store) = makeWidgetStore()
        try await Self.populate(store, count: 20)
        let expected = try await store.list().items
        var seen: [TestWidget] = []
        var token: String? = nil
        var pages = 0
        var pinned: String? = nil
        repeat {
            let page = try await store.list(namespace: "default", options: ListOptions(limit: limit, continueToken: token))
            pinned = pinned ?? page.resourceVersion
            #expect(page.resourceVersion == pinned, "every page shares the first page's revision")
            #expect(page.items.count <= limit)
            if page.continueToken != nil { #expect(page.remainingItemCount == Int64(20 - seen.count - page.items.count)) }
            seen += page.items
            token = page.continueToken
            pages += 1
            // Writes between pages are not seen by the pinned list.
            _ = try await store.update(namespace: "default", name: "w000") { $0 = $0.withCount(pages) }
            _ = try await store.create(TestWidget(name: "z-added-\(pages)"))
        } while token != nil && pages < 100
        #expect(seen == expected)
    }

    @Test func filteredPagesFillUpToLimit() async throws {
        let (_, store) = makeWidgetStore()
        try await Self.populate(store, count: 20)
        var names: [String] = []
        var token: String? = nil
        var pages = 0
        repeat {
            let page = try await store.list(options: ListOptions(limit: 2, continueToken: token)) { $0.metadata.labels["tier"] == "front" }
            #expect(page.remainingItemCount == nil)
            names += page.items.map(\.metadata.name)
            token = page.continueToken
            pages += 1
        } while token != nil && pages < 50
        #expect(names == ["w000", "w003", "w006", "w009", "w012", "w015", "w018"])
    }

    @Test func continueAfterCompactionIsGone() async throws {
        let (client, store) = makeWidgetStore()
        try await Self.populate(store, count: 6)
        let page = try await store.list(options: ListOptions(limit: 2))
        let token = try #require(page.continueToken)
        _ = try await store.update(namespace: "default", name: "w000") { $0 = $0.withCount(9) }
        try await client.compact(revision: client.currentRevision)
        await #expect(throws: StoreError.gone(message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")) {
            _ = try await store.list(options: ListOptions(limit: 2, continueToken: token))
        }
    }

    @Test func badTokensAndVersionsAreBadRequests() async throws {
        let (_, store) = makeWidgetStore()
        try await Self.populate(store, count: 3)
        for token in ["!!!", "e30=", Base64("{\"rv\":1,\"start\":\"/etc\"}"), Base64("{\"rv\":0,\"start\":\"a\"}"), Base64("{\"rv\":3,\"start\":\"../x\"}")] {
            await #expect(throws: StoreError.badRequest(message: "continue key is not valid: \(token)")) {
                _ = try await store.list(options: ListOptions(continueToken: token))
            }
        }
        let page = try await store.list(options: ListOptions(limit: 1))
        await #expect(throws: StoreError.self) { _ = try await store.list(options: ListOptions(resourceVersion: "5", continueToken: page.continueToken)) }
        await #expect(throws: StoreError.self) { _ = try await store.list(options: ListOptions(resourceVersion: "x")) }
        await #expect(throws: StoreError.self) { _ = try await store.list(options: ListOptions(resourceVersionMatch: .exact)) }
    }

    @Test func resourceVersionSemantics() async throws {
        let (client, store) = makeWidgetStore()
        try await Self.populate(store, count: 3)
        let old = client.currentRevision
        _ = try await store.create(TestWidget(name: "later"))
        // Exact: the state at that revision.
        let exact = try await store.list(options: ListOptions(resourceVersion: String(old), resourceVersionMatch: .exact))
        #expect(exact.items.count == 3 && exact.resourceVersion == String(old))
        // NotOlderThan: the current state.
        let newer = try await store.list(options: ListOptions(resourceVersion: String(old)))
        #expect(newer.items.count == 4 && newer.resourceVersion == String(client.currentRevision))
        // "0": any state (here the current one).
        #expect(try await store.list(options: ListOptions(resourceVersion: "0")).items.count == 4)
        // A future version times out; an exact compacted one is gone.
        await #expect(throws: StoreError.timeout(message: "Too large resource version: 1000, current: \(client.currentRevision)")) {
            _ = try await store.list(options: ListOptions(resourceVersion: "1000"))
        }
        try await client.compact(revision: client.currentRevision)
        await #expect(throws: StoreError.gone(message: "The resourceVersion for the provided list is too old.")) {
            _ = try await store.list(options: ListOptions(resourceVersion: String(old), resourceVersionMatch: .exact))
        }
    }

    @Test func continueTokenRoundTrips() throws {
        let token = ContinueToken(revision: 42, startSuffix: Array("ns/name\u{0}".utf8))
        #expect(try ContinueToken(parsing: token.encoded) == token)
    }
}

/// Standard base64 of a string (for hand-made tokens).
func Base64(_ text: String) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    let bytes = Array(text.utf8)
    var out = ""
    var i = 0
    while i < bytes.count {
        let chunk = Array(bytes[i..<min(i + 3, bytes.count)])
        let n = (UInt32(chunk[0]) << 16) | (chunk.count > 1 ? UInt32(chunk[1]) << 8 : 0) | (chunk.count > 2 ? UInt32(chunk[2]) : 0)
        out.append(table[Int(n >> 18 & 63)])
        out.append(table[Int(n >> 12 & 63)])
        out.append(chunk.count > 1 ? table[Int(n >> 6 & 63)] : "=")
        out.append(chunk.count > 2 ? table[Int(n & 63)] : "=")
        i += 3
    }
    return out
}
