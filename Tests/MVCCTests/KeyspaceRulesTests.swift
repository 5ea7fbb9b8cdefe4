import Testing
@testable import MVCC

@Suite("Keyspace revision rules and bad input")
struct KeyspaceRulesTests {
    @Test("revision rules of RELIABILITY.md section 1")
    func revisionRules() throws {
        let keyspace = Keyspace()
        #expect(keyspace.currentRevision == 1, "starts at 1")
        try keyspace.put("foo", "bar")
        #expect(keyspace.currentRevision == 2)
        try keyspace.put("foo", "bar")
        #expect(keyspace.currentRevision == 3, "an unchanged value still bumps")
        _ = try keyspace.deleteRange(DeleteRangeRequest(key: b("missing")))
        #expect(keyspace.currentRevision == 3, "deleting a missing key does not bump")
        let readOnly = try keyspace.txn(TxnRequest(success: [.range(RangeRequest(key: b("foo")))]))
        #expect(readOnly.header.revision == 3 && keyspace.currentRevision == 3, "a read-only txn does not bump")
        let writing = try keyspace.txn(TxnRequest(success: [.put(PutRequest(key: b("x"), value: b("1"))),
                                                            .put(PutRequest(key: b("y"), value: b("2")))]))
        #expect(writing.header.revision == 4, "a writing txn bumps once")
        let x = try #require(keyspace.frozen().get(b("x")))
        let y = try #require(keyspace.frozen().get(b("y")))
        #expect(x.modRevision == 4 && y.modRevision == 4, "all keys of one request share its mod_revision")
        let grant = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 5), nowNanoseconds: 0)
        #expect(keyspace.currentRevision == 4, "lease grant does not bump")
        _ = try keyspace.revokeLease(LeaseRevokeRequest(id: grant.id))
        #expect(keyspace.currentRevision == 4, "revoking a lease without keys does not bump")
        let leased = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 5, id: 7), nowNanoseconds: 0)
        try keyspace.put("l1", "v", lease: leased.id)
        try keyspace.put("l2", "v", lease: leased.id)
        #expect(keyspace.currentRevision == 6)
        let revoked = try keyspace.revokeLease(LeaseRevokeRequest(id: 7))
        #expect(revoked.revision == 7, "revoking a lease with keys bumps once")
        #expect(try keyspace.range(RangeRequest(key: b("l"), rangeEnd: b("m"))).count == 0)
    }

    @Test("create_revision, mod_revision and version across generations")
    func keyValueFields() throws {
        let keyspace = Keyspace()
        try keyspace.put("k", "a")          // 2
        try keyspace.put("k", "b")          // 3
        _ = try keyspace.deleteRange(DeleteRangeRequest(key: b("k")))  // 4
        try keyspace.put("k", "c")          // 5
        let now = try #require(keyspace.frozen().get(b("k")))
        #expect(now == KeyValue(key: b("k"), createRevision: 5, modRevision: 5, version: 1, value: b("c")))
        let at3 = try keyspace.range(RangeRequest(key: b("k"), revision: 3))
        #expect(at3.kvs == [KeyValue(key: b("k"), createRevision: 2, modRevision: 3, version: 2, value: b("b"))])
        #expect(try keyspace.range(RangeRequest(key: b("k"), revision: 4)).kvs.isEmpty)
    }

    @Test("range options: prefix, \\0, limit/more/count, keys_only, count_only, sort, min/max filters")
    func rangeOptions() throws {
        let keyspace = Keyspace()
        for (key, value) in [("foo", "bar"), ("foo", "baz"), ("zoo", "z"), ("bar", ""), ("foo", "baz"),
                             ("a/1", "v-a/1"), ("a/2", "v-a/2"), ("a/3", "v-a/3")] {
            try keyspace.put(key, value)
        }
        // This is the etcd gateway transcript's state at revision 9.
        let prefix = try keyspace.range(RangeRequest(key: b("a/"), rangeEnd: b("a0"), limit: 2))
        #expect(prefix.kvs.map(\.key) == [b("a/1"), b("a/2")] && prefix.more && prefix.count == 3)
        let all = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], keysOnly: true))
        #expect(all.kvs.map { s($0.key) } == ["a/1", "a/2", "a/3", "bar", "foo", "zoo"])
        #expect(all.kvs.allSatisfy { $0.value.isEmpty })
        let fromB = try keyspace.range(RangeRequest(key: b("b"), rangeEnd: [0]))
        #expect(fromB.kvs.map { s($0.key) } == ["bar", "foo", "zoo"])
        let countOnly = try keyspace.range(RangeRequest(key: b("a/"), rangeEnd: b("a0"), countOnly: true))
        #expect(countOnly.kvs.isEmpty && countOnly.count == 3)
        let descend = try keyspace.range(RangeRequest(key: b("a/"), rangeEnd: b("a0"), sortOrder: .descend, sortTarget: .key))
        #expect(descend.kvs.map { s($0.key) } == ["a/3", "a/2", "a/1"])
        let minMod = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], minModRevision: 6))
        #expect(minMod.kvs.map { s($0.key) } == ["a/1", "a/2", "a/3", "foo"])
        #expect(minMod.count == 6, "count ignores the min/max filters")
        let byValue = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], sortOrder: .ascend, sortTarget: .value))
        #expect(byValue.kvs.map { s($0.key) } == ["bar", "foo", "a/1", "a/2", "a/3", "zoo"])
        let byVersion = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], sortTarget: .version))
        #expect(byVersion.kvs.last.map { s($0.key) } == "foo", "target without order sorts ascending")
        let foo = try keyspace.range(RangeRequest(key: b("foo")))
        #expect(foo.kvs == [KeyValue(key: b("foo"), createRevision: 2, modRevision: 6, version: 3, value: b("baz"))])
    }

    @Test("bad input gets a typed error and changes nothing")
    func badInput() throws {
        let keyspace = Keyspace()
        try keyspace.put("a", "1")
        try keyspace.put("b", "2")
        _ = try keyspace.compact(CompactionRequest(revision: 2))
        let before = keyspace.frozen()
        let hashBefore = try before.hashKV()
        #expect(throws: MVCCError.emptyKey) { try keyspace.put(PutRequest(key: [], value: b("v"))) }
        #expect(throws: MVCCError.emptyKey) { try keyspace.range(RangeRequest(key: [])) }
        #expect(throws: MVCCError.invalidRange(key: b("b"), rangeEnd: b("a"))) {
            try keyspace.deleteRange(DeleteRangeRequest(key: b("b"), rangeEnd: b("a")))
        }
        #expect(throws: MVCCError.leaseNotFound(42)) { try keyspace.put(PutRequest(key: b("a"), value: b("v"), lease: 42)) }
        #expect(throws: MVCCError.futureRevision(requested: 9, currentRevision: 3)) { try keyspace.range(RangeRequest(key: b("a"), revision: 9)) }
        #expect(throws: MVCCError.compacted(requested: 1, compactRevision: 2)) { try keyspace.range(RangeRequest(key: b("a"), revision: 1)) }
        #expect(throws: MVCCError.compacted(requested: 2, compactRevision: 2)) { try keyspace.compact(CompactionRequest(revision: 2)) }
        #expect(throws: MVCCError.futureRevision(requested: 4, currentRevision: 3)) { try keyspace.compact(CompactionRequest(revision: 4)) }
        #expect(throws: MVCCError.keyNotFound(b("nokey"))) { try keyspace.put(PutRequest(key: b("nokey"), ignoreValue: true)) }
        #expect(throws: MVCCError.valueProvided) { try keyspace.put(PutRequest(key: b("a"), value: b("x"), ignoreValue: true)) }
        #expect(throws: MVCCError.leaseProvided) { try keyspace.put(PutRequest(key: b("a"), lease: 5, ignoreLease: true)) }
        #expect(throws: MVCCError.duplicateKeyInTxn(b("k"))) {
            try keyspace.txn(TxnRequest(success: [.put(PutRequest(key: b("k"))), .put(PutRequest(key: b("k")))]))
        }
        #expect(throws: MVCCError.duplicateKeyInTxn(b("a/1"))) {
            try keyspace.txn(TxnRequest(success: [.deleteRange(DeleteRangeRequest(key: b("a/"), rangeEnd: b("a0"))),
                                                  .put(PutRequest(key: b("a/1")))]))
        }
        #expect(throws: MVCCError.duplicateKeyInTxn(b("n"))) {
            try keyspace.txn(TxnRequest(success: [.put(PutRequest(key: b("n"))),
                                                  .txn(TxnRequest(failure: [.put(PutRequest(key: b("n")))]))]))
        }
        #expect(throws: MVCCError.leaseNotFound(3)) {
            try keyspace.txn(TxnRequest(success: [.put(PutRequest(key: b("ok"))), .put(PutRequest(key: b("bad"), lease: 3))]))
        }
        let tooMany = (0..<129).map { RequestOp.put(PutRequest(key: b("k\($0)"))) }
        #expect(throws: MVCCError.tooManyTxnOperations(count: 129, limit: 128)) { try keyspace.txn(TxnRequest(success: tooMany)) }
        #expect(throws: MVCCError.leaseExists(9)) {
            _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 1, id: 9), nowNanoseconds: 0)
            _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 1, id: 9), nowNanoseconds: 0)
        }
        _ = try keyspace.revokeLease(LeaseRevokeRequest(id: 9))
        #expect(throws: MVCCError.leaseNotFound(9)) { try keyspace.revokeLease(LeaseRevokeRequest(id: 9)) }
        #expect(throws: MVCCError.leaseTTLTooLarge(9_000_000_001)) {
            try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 9_000_000_001), nowNanoseconds: 0)
        }
        #expect(keyspace.currentRevision == before.currentRevision)
        #expect(try keyspace.frozen().hashKV() == hashBefore)
        #expect(keyspace.frozen().leases.isEmpty)
    }

    @Test("txn compares: value on a missing key is false, others compare with zero; ranges need every key")
    func txnCompares() throws {
        let keyspace = Keyspace()
        try keyspace.put("foo", "baz")
        func holds(_ compare: Compare) throws -> Bool { try keyspace.txn(TxnRequest(compare: [compare])).succeeded }
        #expect(try holds(Compare(key: b("foo"), result: .equal, target: .value(b("baz")))))
        #expect(try !holds(Compare(key: b("nope"), result: .notEqual, target: .value(b("x")))))
        #expect(try holds(Compare(key: b("nope"), result: .equal, target: .createRevision(0))))
        #expect(try holds(Compare(key: b("nope"), result: .equal, target: .version(0))))
        #expect(try holds(Compare(key: b("foo"), result: .greater, target: .version(0))))
        #expect(try holds(Compare(key: b("foo"), result: .less, target: .modRevision(3))))
        #expect(try holds(Compare(key: b("foo"), result: .equal, target: .lease(0))))
        try keyspace.put("fop", "baz")
        #expect(try holds(Compare(key: b("fo"), rangeEnd: b("fp"), result: .equal, target: .value(b("baz")))))
        try keyspace.put("fop", "other")
        #expect(try !holds(Compare(key: b("fo"), rangeEnd: b("fp"), result: .equal, target: .value(b("baz")))))
        // create-if-absent, then the failure branch reads.
        let create = TxnRequest(compare: [Compare(key: b("new"), result: .equal, target: .createRevision(0))],
                                success: [.put(PutRequest(key: b("new"), value: b("1")))],
                                failure: [.range(RangeRequest(key: b("new")))])
        let first = try keyspace.txn(create)
        #expect(first.succeeded && first.header.revision == 5)
        let second = try keyspace.txn(create)
        #expect(!second.succeeded && second.header.revision == 5)
        guard case .range(let read)? = second.responses.first else { Issue.record("no range response"); return }
        #expect(read.kvs.first?.value == b("1") && read.header.revision == 5)
    }

    @Test("a range inside a txn sees the txn's earlier writes; sub-responses carry the final revision")
    func txnReadsOwnWrites() throws {
        let keyspace = Keyspace()
        try keyspace.put("foo", "baz")
        let response = try keyspace.txn(TxnRequest(success: [.put(PutRequest(key: b("foo"), value: b("qux"))),
                                                             .range(RangeRequest(key: b("foo")))]))
        #expect(response.header.revision == 3)
        guard case .range(let read)? = response.responses.last, case .put(let put)? = response.responses.first else {
            Issue.record("wrong responses")
            return
        }
        #expect(put.header.revision == 3 && read.header.revision == 3)
        #expect(read.kvs == [KeyValue(key: b("foo"), createRevision: 2, modRevision: 3, version: 2, value: b("qux"))])
    }

    @Test("compaction keeps the latest version of live keys and drops dead history")
    func compaction() throws {
        let keyspace = Keyspace(maxKeysPerNode: 3)
        for round in 0..<5 {
            for key in 0..<20 { try keyspace.put("k\(key)", "r\(round)") }
        }
        for key in 0..<10 { _ = try keyspace.deleteRange(DeleteRangeRequest(key: b("k\(key)"))) }
        let current = keyspace.currentRevision
        _ = try keyspace.compact(CompactionRequest(revision: current))
        let state = keyspace.frozen()
        // k0...k8 were deleted below the compact revision and leave the index; k9's tombstone is AT the
        // compact revision and stays, so a watch starting there still receives that DELETE.
        #expect(state.keys.count == 11, "fully deleted keys leave the index")
        #expect(state.keys.value(forKey: ByteKey(b("k8"))) == nil)
        #expect(state.history.count == 1, "only the tombstone at the compact revision remains in history")
        let live = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], revision: current))
        #expect(live.kvs.count == 10 && live.kvs.allSatisfy { $0.value == b("r4") && $0.version == 5 })
        #expect(state.keys.invariantViolation() == nil)
    }

    @Test("compaction without dead keys changes the index in place; a frozen copy taken before keeps its history")
    func compactionInPlace() throws {
        let keyspace = Keyspace(maxKeysPerNode: 3)
        for key in 0..<30 { try keyspace.put("k\(key)", "r0") }
        for round in 1..<4 {
            for key in stride(from: 0, to: 30, by: round + 1) { try keyspace.put("k\(key)", "r\(round)") }
        }
        let middle = keyspace.currentRevision - 10
        let before = keyspace.frozen()
        let expectedAtMiddle = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], revision: middle)).kvs
        let expectedNow = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0])).kvs
        _ = try keyspace.compact(CompactionRequest(revision: middle))
        let state = keyspace.frozen()
        #expect(state.keys.count == 30)
        #expect(try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], revision: middle)).kvs == expectedAtMiddle)
        #expect(try keyspace.range(RangeRequest(key: [0], rangeEnd: [0])).kvs == expectedNow)
        // Every retained version is at or after the compact revision, except each key's newest one below it.
        state.keys.forEach { _, index in
            #expect(index.older.dropFirst().allSatisfy { $0.modRevision.main >= middle })
            return true
        }
        #expect(state.keys.invariantViolation() == nil && state.history.invariantViolation() == nil)
        // The copy taken before compacting is untouched (copy-on-write).
        #expect(before.keys.count == 30)
        #expect(before.history.count > state.history.count)
        var versionsBefore = 0
        before.keys.forEach { _, index in versionsBefore += index.versionCount; return true }
        #expect(versionsBefore == 30 + 15 + 10 + 8)
    }
}

@Suite("KeyIndex")
struct KeyIndexTests {
    @Test("the worked example of the generations comment")
    func workedExample() {
        let a = KeyVersion(modRevision: Revision(main: 2), createRevision: 2, version: 1, lease: 0, value: b("a"))
        let bee = KeyVersion(modRevision: Revision(main: 3), createRevision: 2, version: 2, lease: 0, value: b("b"))
        let tomb = KeyVersion.tombstone(at: Revision(main: 4))
        let c = KeyVersion(modRevision: Revision(main: 5), createRevision: 5, version: 1, lease: 0, value: b("c"))
        var index = KeyIndex(a)
        index.append(bee)
        index.append(tomb)
        index.append(c)
        #expect(index.live(at: 3) == bee)
        #expect(index.live(at: 4) == nil)
        #expect(index.live(at: 5) == c)
        #expect(index.live(at: 1) == nil)
        #expect(index.version(at: Revision(main: 4))?.previous == bee)
        var at4 = index
        let keptAt4 = at4.compact(at: 4)
        #expect(keptAt4)
        #expect(at4.versions == [bee, tomb, c])
        var at5 = index
        let keptAt5 = at5.compact(at: 5)
        #expect(keptAt5)
        #expect(at5.versions == [c])
        var dead = KeyIndex(a)
        dead.append(tomb)
        let deadKept = dead.compact(at: 5)
        #expect(!deadKept, "a key deleted below the compact revision leaves the index")
    }
}

@Suite("Extreme values")
struct ExtremeValueTests {
    @Test("limits, TTLs and clocks at the ends of Int64 do not trap")
    func extremes() throws {
        let keyspace = Keyspace()
        try keyspace.put("a", "1")
        try keyspace.put("b", "2")
        let all = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], limit: Int64.max))
        #expect(all.kvs.count == 2 && !all.more)
        #expect(try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], limit: -1)).kvs.count == 2)
        _ = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: Keyspace.maxLeaseTTLSeconds, id: 1), nowNanoseconds: Int64.max - 5)
        let ttl = keyspace.timeToLive(leaseID: 1, includeKeys: false, nowNanoseconds: 0)
        #expect(ttl.ttlSeconds > 0)
        keyspace.promoteAll(nowNanoseconds: Int64.max, extendBySeconds: Int64.max)
        #expect(keyspace.expiredLeases(nowNanoseconds: Int64.max) == [1])
        #expect(keyspace.keepAlive(leaseID: 1, nowNanoseconds: Int64.min) == Keyspace.maxLeaseTTLSeconds)
    }
}
