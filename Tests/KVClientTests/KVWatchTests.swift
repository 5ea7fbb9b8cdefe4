import Testing
import KVClient
@testable import Replica

/// Watch behaviour every `KVClient` must have (see ``KVBehaviourTests`` for the set-up).
@Suite("KVClient watches", .serialized, .timeLimit(.minutes(1)), .sharedClusters)
struct KVWatchTests {
    @Test("a watch from an old revision sees the history in order, a txn's events in one update", arguments: Target.allCases)
    func history(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let p = "wh-\(target)/"
        let start = try await kv.put(PutCommand(key: b(p + "a"), value: b("1"))).revision
        let txn = try await kv.txn(TxnCommand(compares: [], success: [
            .put(PutCommand(key: b(p + "b"), value: b("2"))), .put(PutCommand(key: b(p + "c"), value: b("3"))),
            .delete(DeleteCommand(KeyRange(key: b(p + "a")))),
        ]))
        _ = try await kv.put(PutCommand(key: b("elsewhere-\(target)"), value: b("x")))
        let last = try await kv.put(PutCommand(key: b(p + "b"), value: b("4"))).revision

        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(.prefix(b(p)), startRevision: start), handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.waitForEvents(5))
        let events = recorder.events
        #expect(events.map(\.pair.modRevision) == [start, txn.revision, txn.revision, txn.revision, last])
        #expect(events.map(\.kind) == [.put, .put, .put, .delete, .put])
        #expect(events.map(\.pair.key) == [b(p + "a"), b(p + "b"), b(p + "c"), b(p + "a"), b(p + "b")])
        #expect(events[4].pair.value == b("4") && events[4].pair.version == 2)
        #expect(events.allSatisfy { $0.previous == nil }, "previous pairs only when asked")
        // No update ends in the middle of a revision.
        for update in recorder.all {
            guard case .events(let batch) = update, let lastOfBatch = batch.last else { continue }
            let later = events.drop { $0 != lastOfBatch }.dropFirst()
            #expect(later.first?.pair.modRevision != lastOfBatch.pair.modRevision, "a revision was split across updates")
        }
        #expect(!recorder.handlerOverlapped)

        // Live events follow the history.
        let live = try await kv.put(PutCommand(key: b(p + "c"), value: b("5"))).revision
        #expect(await recorder.waitForEvents(6))
        #expect(recorder.events.last?.pair.modRevision == live)
    }

    @Test("prevKV: updates and deletions carry the previous pair", arguments: Target.allCases)
    func previousPairs(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let key = b("wp-\(target)")
        let first = try await kv.put(PutCommand(key: key, value: b("old"))).revision
        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(KeyRange(key: key), startRevision: first + 1, prevKV: true), handler: recorder.handler)
        defer { handle.cancel() }
        _ = try await kv.put(PutCommand(key: key, value: b("new")))
        let deleted = try await kv.delete(DeleteCommand(KeyRange(key: key))).revision
        #expect(await recorder.waitForEvents(2))
        let events = recorder.events
        #expect(events.first?.previous?.value == b("old"))
        #expect(events.first?.pair.value == b("new"))
        #expect(events.last?.kind == .delete)
        #expect(events.last?.pair.modRevision == deleted && events.last?.pair.value == [])
        #expect(events.last?.previous?.value == b("new"))
    }

    @Test("a watch below the compaction point ends with .canceled(compactRevision > 0) and nothing after", arguments: Target.allCases)
    func belowCompaction(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let key = b("wc-\(target)")
        let r1 = try await kv.put(PutCommand(key: key, value: b("1"))).revision
        let r2 = try await kv.put(PutCommand(key: key, value: b("2"))).revision
        try await kv.compact(revision: r2)
        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(KeyRange(key: key), startRevision: r1), handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.wait { $0.contains { if case .canceled = $0 { true } else { false } } })
        #expect(recorder.cancellation?.compactRevision == r2)
        _ = try await kv.put(PutCommand(key: key, value: b("3")))
        await pause(milliseconds: 200)
        #expect(recorder.all.count == 1, "nothing follows a cancellation: \(recorder.all)")
    }

    @Test("progress notices arrive when asked for and nothing changes", arguments: Target.allCases)
    func progress(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let key = b("wn-\(target)")
        let revision = try await kv.put(PutCommand(key: b("wn-other-\(target)"), value: b("1"))).revision
        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(KeyRange(key: key), startRevision: revision + 1, progressNotify: true),
                                  handler: recorder.handler)
        defer { handle.cancel() }
        #expect(await recorder.wait { $0.contains { if case .progress(let r) = $0 { r >= revision } else { false } } })
        #expect(recorder.events.isEmpty)
    }

    @Test("cancel stops delivery", arguments: Target.allCases)
    func cancel(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let key = b("wx-\(target)")
        let start = try await kv.put(PutCommand(key: key, value: b("1"))).revision
        let recorder = WatchRecorder()
        let handle = try kv.watch(WatchQuery(KeyRange(key: key), startRevision: start), handler: recorder.handler)
        #expect(await recorder.waitForEvents(1))
        handle.cancel()
        handle.cancel()
        let seen = recorder.all.count
        _ = try await kv.put(PutCommand(key: key, value: b("2")))
        _ = try await kv.put(PutCommand(key: key, value: b("3")))
        await pause(milliseconds: 300)
        #expect(recorder.all.count == seen, "delivered after cancel: \(recorder.all)")
    }

    @Test("a slow handler sees every event in order (the loop holds back instead of buffering without bound)",
          arguments: Target.allCases)
    func slowHandler(_ target: Target) async throws {
        let kv = try SharedClusters.shared().client(target)
        let p = "ws-\(target)/"
        let start = try await kv.put(PutCommand(key: b(p + "0"), value: b("0"))).revision
        let recorder = WatchRecorder()
        let slow: @Sendable (WatchUpdate) -> Void = { update in
            recorder.handler(update)
            if case .events = update { usleepMicro(100_000) }
        }
        // 6001 events, more than an in-process watch queues before the loop holds back (4096); the
        // watch starts after them, so the loop hands over its catch-up from history as fast as it can.
        let perTxn = 100, txns = 60
        for t in 0..<txns {
            let puts = (0..<perTxn).map { TxnOperation.put(PutCommand(key: b(p + "\($0)"), value: b("\(t)"))) }
            _ = try await kv.txn(TxnCommand(compares: [], success: puts))
        }
        let handle = try kv.watch(WatchQuery(.prefix(b(p)), startRevision: start), handler: slow)
        defer { handle.cancel() }
        // And live writes while it catches up.
        for t in 0..<3 {
            let puts = (0..<perTxn).map { TxnOperation.put(PutCommand(key: b(p + "\($0)"), value: b("live\(t)"))) }
            _ = try await kv.txn(TxnCommand(compares: [], success: puts))
        }
        let total = perTxn * (txns + 3) + 1
        #expect(await recorder.waitForEvents(total, seconds: 40))
        let revisions = recorder.events.map(\.pair.modRevision)
        #expect(revisions.count == total)
        #expect(revisions == revisions.sorted())
        #expect(Set(revisions).count == txns + 3 + 1)
        #expect(!recorder.handlerOverlapped)
        if let sink = handle as? LocalWatchSink {
            #expect(sink.timesFull > 0, "the in-process sink never held the loop back")
        }
    }

    @Test("a watch on a follower sees writes made through the leader")
    func followerSeesLeaderWrites() async throws {
        let clusters = try SharedClusters.shared()
        for target in Target.allCases where target.isThreeMembers {
            let follower = clusters.client(target)
            let leader = clusters.leaderClient(like: target)
            let key = b("wf-\(target)")
            let base = try await leader.put(PutCommand(key: b("wf-base-\(target)"), value: b("0"))).revision
            let recorder = WatchRecorder()
            let handle = try follower.watch(WatchQuery(KeyRange(key: key), startRevision: base + 1), handler: recorder.handler)
            defer { handle.cancel() }
            let written = try await leader.put(PutCommand(key: key, value: b("from the leader"))).revision
            #expect(await recorder.waitForEvents(1))
            #expect(recorder.events.first?.pair.modRevision == written)
        }
    }
}
