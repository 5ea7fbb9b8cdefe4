import Testing
@testable import MVCC

@Suite("Watch")
struct WatchTests {
    @Test("a watch starting at the compact revision receives a DELETE made at it, with prev_kv")
    func deleteAtCompactRevision() throws {
        let keyspace = Keyspace()
        try keyspace.put("foo", "bar")                                          // 2
        _ = try keyspace.deleteRange(DeleteRangeRequest(key: b("foo")))         // 3
        try keyspace.put("foo", "again")                                        // 4
        _ = try keyspace.compact(CompactionRequest(revision: 3))
        let handle = try keyspace.createWatcher(WatchCreateRequest(key: b("foo"), startRevision: 3, prevKV: true))
        #expect(!keyspace.isSynced(handle))
        keyspace.syncUnsyncedWatchers()
        let events = keyspace.drainAll(handle).flatMap(\.events).map(\.event)
        #expect(events.map(\.kind) == [.delete, .put])
        #expect(events.first?.kv == KeyValue(key: b("foo"), createRevision: 0, modRevision: 3, version: 0, value: []))
        #expect(events.first?.prevKV == KeyValue(key: b("foo"), createRevision: 2, modRevision: 2, version: 1, value: b("bar")))
        #expect(events.last?.prevKV == nil, "the key did not exist at revision 3")
        #expect(keyspace.isSynced(handle))
        #expect(keyspace.progressRevision(handle) == 4)
    }

    @Test("a watch below the compact revision is cancelled with compact_revision in etcd's shape")
    func belowCompactRevision() throws {
        let keyspace = Keyspace()
        for index in 0..<5 { try keyspace.put("k", "\(index)") }
        _ = try keyspace.compact(CompactionRequest(revision: 4))
        let handle = try keyspace.createWatcher(WatchCreateRequest(key: b("k"), startRevision: 3, watchID: 0))
        #expect(keyspace.takeReadyWatchers() == [handle])
        let batch = try #require(keyspace.drain(handle))
        #expect(batch.kind == .canceled(compactRevision: 4))
        var json: [UInt8] = []
        batch.appendJSON(header: ResponseHeader(revision: 6, clusterID: 15875391935852295136, memberID: 7383792418829112008, raftTerm: 2), to: &json)
        #expect(s(json) == #"{"result":{"header":{"cluster_id":"15875391935852295136","member_id":"7383792418829112008","raft_term":"2"},"canceled":true,"compact_revision":"4"}}"#)
        #expect(keyspace.watcherCounts.total == 0, "a cancelled watcher is removed")
        #expect(keyspace.drain(handle) == nil)
        // Exactly at the compact revision is allowed.
        let atCompact = try keyspace.createWatcher(WatchCreateRequest(key: b("k"), startRevision: 4))
        keyspace.syncUnsyncedWatchers()
        #expect(keyspace.drainAll(atCompact).flatMap(\.events).map(\.event.kv.modRevision) == [4, 5, 6])
    }

    @Test("a slow watcher moves to unsynced, writes continue, and it catches up without gaps")
    func slowWatcherCatchesUp() throws {
        let keyspace = Keyspace(maxPendingEventsPerWatcher: 2)
        let slow = try keyspace.createWatcher(WatchCreateRequest(key: b("a/"), rangeEnd: b("a0")))
        let fast = try keyspace.createWatcher(WatchCreateRequest(key: b("a/"), rangeEnd: b("a0")))
        for index in 0..<50 {
            try keyspace.put("a/\(index % 7)", "\(index)")
            _ = keyspace.drainAll(fast)
        }
        #expect(!keyspace.isSynced(slow))
        #expect(keyspace.isSynced(fast))
        #expect(keyspace.pendingEventCount(slow) == 2, "the buffer bound held")
        #expect(keyspace.progressRevision(slow) == nil, "no progress while behind")
        var revisions: [Int64] = []
        for _ in 0..<100 {
            keyspace.syncUnsyncedWatchers(maxEvents: 3)
            revisions += keyspace.drainAll(slow).flatMap(\.events).map(\.event.kv.modRevision)
            if keyspace.isSynced(slow) && keyspace.pendingEventCount(slow) == 0 { break }
        }
        #expect(revisions == Array(2...51))
        #expect(keyspace.progressRevision(slow) == 51)
    }

    @Test("a txn's events are one revision and never split across batches")
    func txnAtomic() throws {
        let keyspace = Keyspace()
        let handle = try keyspace.createWatcher(WatchCreateRequest(key: [0], rangeEnd: [0]))
        _ = try keyspace.txn(TxnRequest(success: (0..<5).map { .put(PutRequest(key: b("t\($0)"), value: b("v"))) }))
        try keyspace.put("after", "x")
        let first = try #require(keyspace.drain(handle, maxEvents: 1))
        #expect(first.events.count == 5 && first.events.map(\.revision.sub) == [0, 1, 2, 3, 4])
        #expect(first.headerRevision == 2)
        let second = try #require(keyspace.drain(handle, maxEvents: 1))
        #expect(second.events.count == 1 && second.headerRevision == 3)
    }

    @Test("every watcher of a prefix receives the same encoded event object; filters apply per watcher")
    func sharedEncoding() throws {
        let keyspace = Keyspace()
        let handles = try (0..<100).map { index in
            try keyspace.createWatcher(WatchCreateRequest(key: b("p/"), rangeEnd: b("p0"), noDelete: index % 2 == 1, prevKV: index % 3 == 0))
        }
        try keyspace.put("p/x", "1")
        try keyspace.put("p/x", "2")
        _ = try keyspace.deleteRange(DeleteRangeRequest(key: b("p/x")))
        #expect(keyspace.takeReadyWatchers() == handles)
        var firstObjects: [ObjectIdentifier] = []
        for (index, handle) in handles.enumerated() {
            let events = keyspace.drainAll(handle).flatMap(\.events)
            #expect(events.count == (index % 2 == 1 ? 2 : 3))
            firstObjects.append(ObjectIdentifier(events[0]))
        }
        #expect(Set(firstObjects).count == 1, "one shared object per event")
        let batch = try #require(try {
            let handle = try keyspace.createWatcher(WatchCreateRequest(key: b("p/x"), startRevision: 3, prevKV: true))
            keyspace.syncUnsyncedWatchers()
            return keyspace.drain(handle)
        }())
        var json: [UInt8] = []
        batch.appendJSON(header: ResponseHeader(revision: 0, clusterID: 1, memberID: 2, raftTerm: 3), to: &json)
        #expect(s(json) == #"{"result":{"header":{"cluster_id":"1","member_id":"2","revision":"4","raft_term":"3"},"events":[{"kv":{"key":"cC94","create_revision":"2","mod_revision":"3","version":"2","value":"Mg=="},"prev_kv":{"key":"cC94","create_revision":"2","mod_revision":"2","version":"1","value":"MQ=="}},{"type":"DELETE","kv":{"key":"cC94","mod_revision":"4"},"prev_kv":{"key":"cC94","create_revision":"2","mod_revision":"3","version":"2","value":"Mg=="}}]}}"#)
    }

    @Test("future start revision: nothing before it is delivered")
    func futureStart() throws {
        let keyspace = Keyspace()
        let handle = try keyspace.createWatcher(WatchCreateRequest(key: b("k"), startRevision: 4))
        try keyspace.put("k", "2")
        try keyspace.put("k", "3")
        try keyspace.put("k", "4")
        #expect(keyspace.drainAll(handle).flatMap(\.events).map(\.event.kv.modRevision) == [4])
    }

    @Test("the watcher index finds exactly the watchers whose interval holds the key", arguments: [1 as UInt64, 2, 3])
    func watcherIndexAgainstBruteForce(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        func key() -> [UInt8] { (0..<Int.random(in: 1...3, using: &generator)).map { _ in UInt8.random(in: 97...100, using: &generator) } }
        var index = WatcherIndex()
        var watchers: [Watcher] = []
        for handle in 0..<300 {
            let lower = key()
            let rangeEnd: [UInt8]
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: rangeEnd = []
            case 1: rangeEnd = [0]
            default: rangeEnd = lower + [UInt8.random(in: 97...100, using: &generator)]
            }
            let interval = try KeyInterval(key: lower, rangeEnd: rangeEnd)
            let watcher = Watcher(handle: handle, request: WatchCreateRequest(key: lower, rangeEnd: rangeEnd), interval: interval, nextRevision: 1)
            index.insert(watcher)
            watchers.append(watcher)
        }
        for watcher in watchers where watcher.handle % 4 == 0 { index.remove(watcher) }
        let live = watchers.filter { $0.handle % 4 != 0 }
        index.prepareForLookup()
        for _ in 0..<300 {
            let probe = ByteKey(key())
            var found: [Int] = []
            index.forEachGroup(containing: probe) { group in found += group.watchers.map(\.handle) }
            let expected = live.filter { $0.interval.contains(probe) }.map(\.handle).sorted()
            #expect(found.sorted() == expected, "seed \(seed) key \(probe.bytes)")
        }
    }
}

@Suite("Watch resumption")
struct WatchResumeTests {
    @Test("a watch restarted at last + 1 continues exactly where the first stopped", arguments: [5 as UInt64, 6])
    func resumeFromLastPlusOne(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let keyspace = Keyspace(maxPendingEventsPerWatcher: 3)
        func write(_ count: Int) throws {
            for _ in 0..<count {
                let key = "r/\(Int.random(in: 0..<5, using: &generator))"
                if Int.random(in: 0..<4, using: &generator) == 0 {
                    _ = try keyspace.deleteRange(DeleteRangeRequest(key: b(key)))
                } else {
                    try keyspace.put(key, "\(Int.random(in: 0..<100, using: &generator))")
                }
            }
        }
        try write(10)
        let full = try keyspace.createWatcher(WatchCreateRequest(key: b("r/"), rangeEnd: b("r0"), startRevision: 1))
        let first = try keyspace.createWatcher(WatchCreateRequest(key: b("r/"), rangeEnd: b("r0"), startRevision: 1))
        try write(30)
        keyspace.syncUnsyncedWatchers(maxEvents: 4)
        let part = try #require(keyspace.drain(first, maxEvents: 5))
        let last = try #require(part.events.last?.revision.main)
        keyspace.cancelWatcher(first)
        let second = try keyspace.createWatcher(WatchCreateRequest(key: b("r/"), rangeEnd: b("r0"), startRevision: last + 1))
        try write(20)
        var resumed = part.events.map(\.event)
        var everything: [Event] = []
        for _ in 0..<1000 {
            keyspace.syncUnsyncedWatchers(maxEvents: 4)
            resumed += keyspace.drainAll(second).flatMap(\.events).map(\.event)
            everything += keyspace.drainAll(full).flatMap(\.events).map(\.event)
            if keyspace.watcherCounts.unsynced == 0 { break }
        }
        resumed += keyspace.drainAll(second).flatMap(\.events).map(\.event)
        everything += keyspace.drainAll(full).flatMap(\.events).map(\.event)
        #expect(everything.count > 30, "seed \(seed)")
        #expect(resumed == everything, "seed \(seed)")
        let revisions = everything.map(\.revision)
        #expect(zip(revisions, revisions.dropFirst()).allSatisfy { $0 < $1 }, "ordered and unique, seed \(seed)")
    }
}

@Suite("Watch with an empty key")
struct WatchEmptyKeyTests {
    @Test("empty key with \\0 watches everything, with an end watches keys below it, alone nothing")
    func emptyKey() throws {
        let keyspace = Keyspace()
        let everything = try keyspace.createWatcher(WatchCreateRequest(key: [], rangeEnd: [0]))
        let belowM = try keyspace.createWatcher(WatchCreateRequest(key: [], rangeEnd: b("m")))
        let nothing = try keyspace.createWatcher(WatchCreateRequest(key: []))
        try keyspace.put(PutRequest(key: [0], value: b("zero")))
        try keyspace.put("a", "1")
        try keyspace.put("z", "2")
        #expect(keyspace.drainAll(everything).flatMap(\.events).count == 3)
        #expect(keyspace.drainAll(belowM).flatMap(\.events).map(\.event.kv.key) == [[0], b("a")])
        #expect(keyspace.drainAll(nothing).isEmpty)
        #expect(keyspace.progressRevision(nothing) == 4)
    }
}
