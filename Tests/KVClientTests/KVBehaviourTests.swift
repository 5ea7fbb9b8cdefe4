import Testing
import KVClient

/// The behaviour every `KVClient` must have, written once against `any KVClient` and run on each
/// implementation, against a one-member cluster and through a follower of a three-member cluster.
/// Each test uses its own key prefix; the clusters are shared by the suite.
@Suite("KVClient behaviour", .serialized, .timeLimit(.minutes(1)), .sharedClusters)
struct KVBehaviourTests {
    private func put(_ kv: any KVClient, _ key: String, _ value: String, lease: Int64 = 0) async throws -> Int64 {
        try await kv.put(PutCommand(key: b(key), value: b(value), lease: lease)).revision
    }

    @Test("range: single key, prefix, limit/more/count, keysOnly, countOnly, serializable, at a revision", arguments: Target.allCases)
    func ranges(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let p = "range-\(target)/"
        let first = try await put(kv, p + "a", "1")
        _ = try await put(kv, p + "b", "2")
        let last = try await put(kv, p + "c", "3")
        _ = try await put(kv, p + "a", "1b")

        let single = try await kv.range(RangeQuery(KeyRange(key: b(p + "a"))))
        #expect(single.pairs.count == 1)
        #expect(single.pairs.first?.value == b("1b"))
        #expect(single.pairs.first?.createRevision == first)
        #expect(single.pairs.first?.version == 2)
        #expect(single.count == 1 && !single.more)
        #expect(single.revision > last)

        let all = try await kv.range(RangeQuery(.prefix(b(p))))
        #expect(all.pairs.map(\.key) == [b(p + "a"), b(p + "b"), b(p + "c")])
        #expect(all.count == 3)

        let limited = try await kv.range(RangeQuery(.prefix(b(p)), limit: 2))
        #expect(limited.pairs.count == 2 && limited.more && limited.count == 3)

        let keysOnly = try await kv.range(RangeQuery(.prefix(b(p)), keysOnly: true))
        #expect(keysOnly.pairs.count == 3 && keysOnly.pairs.allSatisfy { $0.value.isEmpty })

        let countOnly = try await kv.range(RangeQuery(.prefix(b(p)), countOnly: true))
        #expect(countOnly.pairs.isEmpty && countOnly.count == 3)

        let old = try await kv.range(RangeQuery(.prefix(b(p)), revision: first))
        #expect(old.pairs.map(\.value) == [b("1")])
        #expect(old.revision >= single.revision, "as in etcd, the header of a read at a revision carries the current one")

        // A write answered by this member has been applied here, so a serializable read sees it.
        let stale = try await kv.range(RangeQuery(KeyRange(key: b(p + "a")), serializable: true))
        #expect(stale.pairs.first?.value == b("1b"))

        let nothing = try await kv.range(RangeQuery(KeyRange(key: b(p + "z"), end: b(p + "a"))))
        #expect(nothing.pairs.isEmpty && nothing.count == 0 && nothing.revision >= single.revision)
    }

    @Test("put returns the previous pair when asked; delete removes a range and returns what it removed", arguments: Target.allCases)
    func putAndDelete(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let p = "pd-\(target)/"
        let created = try await put(kv, p + "k", "v1")
        let second = try await kv.put(PutCommand(key: b(p + "k"), value: b("v2"), prevKV: true))
        #expect(second.succeeded && second.revision == created + 1)
        guard case .put(let previous)? = second.results.first else { Issue.record("no put result"); return }
        #expect(previous?.value == b("v1") && previous?.modRevision == created)
        let fresh = try await kv.put(PutCommand(key: b(p + "new"), value: b("x"), prevKV: true))
        #expect(fresh.results == [.put(previous: nil)])

        let deleted = try await kv.delete(DeleteCommand(.prefix(b(p)), prevKV: true))
        guard case .delete(let count, let pairs)? = deleted.results.first else { Issue.record("no delete result"); return }
        #expect(count == 2)
        #expect(pairs.map(\.key) == [b(p + "k"), b(p + "new")])
        #expect(pairs.first?.value == b("v2"))
        #expect(try await kv.range(RangeQuery(.prefix(b(p)))).count == 0)

        let none = try await kv.delete(DeleteCommand(KeyRange(key: b(p + "absent"))))
        #expect(none.results == [.delete(deleted: 0, previous: [])])
        #expect(none.revision == deleted.revision)
        let empty = try await kv.delete(DeleteCommand(KeyRange(key: b(p + "z"), end: b(p + "a"))))
        #expect(empty.results == [.delete(deleted: 0, previous: [])])
    }

    @Test("txn: create-if-absent and compare on modRevision, both branches", arguments: Target.allCases)
    func transactions(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let key = b("txn-\(target)/obj")
        let create = TxnCommand(compares: [.absent(key)], success: [.put(PutCommand(key: key, value: b("v1")))],
                                failure: [.range(RangeQuery(KeyRange(key: key)))])
        let created = try await kv.txn(create)
        #expect(created.succeeded)
        #expect(created.results == [.put(previous: nil)])

        let again = try await kv.txn(create)
        #expect(!again.succeeded)
        #expect(again.revision == created.revision)
        guard case .range(let current)? = again.results.first else { Issue.record("no range result"); return }
        #expect(current.pairs.first?.value == b("v1") && current.pairs.first?.modRevision == created.revision)

        let update = TxnCommand(compares: [.modifiedAt(key, created.revision)],
                                success: [.put(PutCommand(key: key, value: b("v2"), prevKV: true))])
        let updated = try await kv.txn(update)
        #expect(updated.succeeded && updated.revision == created.revision + 1)
        #expect(updated.results.count == 1)
        let stale = try await kv.txn(update)
        #expect(!stale.succeeded && stale.results.isEmpty)

        // Several writes in one txn share one revision; a range over an empty interval answers empty.
        let multi = TxnCommand(compares: [], success: [
            .put(PutCommand(key: b("txn-\(target)/x"), value: b("1"))),
            .put(PutCommand(key: b("txn-\(target)/y"), value: b("2"))),
            .range(RangeQuery(KeyRange(key: b("txn-\(target)/z"), end: b("txn-\(target)/a")))),
        ])
        let both = try await kv.txn(multi)
        #expect(both.succeeded && both.revision == updated.revision + 1)
        #expect(both.results.last == .range(RangeResult(revision: both.revision, pairs: [], more: false, count: 0)))
        let pairs = try await kv.range(RangeQuery(KeyRange(key: b("txn-\(target)/x"), end: b("txn-\(target)/z")))).pairs
        #expect(pairs.map(\.modRevision) == [both.revision, both.revision])
    }

    @Test("compaction: reads below it fail with .compacted and its revision; future revisions fail", arguments: Target.allCases)
    func compaction(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let key = b("compact-\(target)")
        let r1 = try await put(kv, "compact-\(target)", "1")
        let r2 = try await put(kv, "compact-\(target)", "2")
        _ = try await put(kv, "compact-\(target)", "3")
        try await kv.compact(revision: r2)
        await #expect(throws: KVError.compacted(compactRevision: r2)) {
            _ = try await kv.range(RangeQuery(KeyRange(key: key), revision: r1))
        }
        let atCompaction = try await kv.range(RangeQuery(KeyRange(key: key), revision: r2))
        #expect(atCompaction.pairs.first?.value == b("2"))
        await #expect(throws: KVError.futureRevision) {
            _ = try await kv.range(RangeQuery(KeyRange(key: key), revision: r2 + 1_000_000))
        }
        await #expect(throws: KVError.compacted(compactRevision: r2)) { try await kv.compact(revision: r1) }
    }

    @Test("leases: grant, attach, keep alive, revoke deletes the keys; unknown leases fail", arguments: Target.allCases)
    func leases(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let p = "lease-\(target)/"
        let (id, ttl) = try await kv.leaseGrant(ttl: 30, id: 0)
        #expect(id != 0 && ttl == 30)
        _ = try await put(kv, p + "a", "1", lease: id)
        _ = try await put(kv, p + "b", "2", lease: id)
        #expect(try await kv.range(RangeQuery(.prefix(b(p)))).pairs.map(\.lease) == [id, id])
        let renewed = try await kv.leaseKeepAlive(id: id)
        #expect(renewed == 30)
        try await kv.leaseRevoke(id: id)
        #expect(try await kv.range(RangeQuery(.prefix(b(p)))).count == 0)
        await #expect(throws: KVError.leaseNotFound) { _ = try await kv.leaseKeepAlive(id: id) }
        await #expect(throws: KVError.leaseNotFound) { try await kv.leaseRevoke(id: id) }
        await #expect(throws: KVError.leaseNotFound) { _ = try await put(kv, p + "c", "3", lease: id) }
        let chosen = try await kv.leaseGrant(ttl: 10, id: id + 1)
        #expect(chosen.id == id + 1)
        try await kv.leaseRevoke(id: chosen.id)
    }

    @Test("bad requests are refused with .invalidRequest and change nothing", arguments: Target.allCases)
    func invalidRequests(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let before = try await kv.range(RangeQuery(KeyRange(key: b("x")))).revision
        await #expect(throws: KVError.invalidRequest("etcdserver: key is not provided")) {
            _ = try await kv.put(PutCommand(key: [], value: b("v")))
        }
        let twice = TxnCommand(compares: [], success: [.put(PutCommand(key: b("dup"), value: [])), .put(PutCommand(key: b("dup"), value: []))])
        await #expect(throws: KVError.invalidRequest("etcdserver: duplicate key given in txn request")) { _ = try await kv.txn(twice) }
        await #expect(throws: KVError.invalidRequest("etcdserver: request is too large")) {
            _ = try await kv.put(PutCommand(key: b("big"), value: [UInt8](repeating: 7, count: 2 << 20)))
        }
        #expect(throws: KVError.invalidRequest("mvcc: watcher range is empty")) {
            _ = try kv.watch(WatchQuery(KeyRange(key: b("b"), end: b("a")))) { _ in }
        }
        #expect(try await kv.range(RangeQuery(KeyRange(key: b("x")))).revision == before)
    }
}
