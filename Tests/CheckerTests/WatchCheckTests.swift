import Checker
import Testing

/// A small committed log: a put a, put b, a txn writing a and c at one revision, delete b.
private func sampleReplay() throws -> KeyspaceReplay {
    let a2 = fresh("a", "1", 2)
    let b3 = fresh("b", "2", 3)
    let a4 = KeyValue(key: "a", value: "3", createRevision: 2, modRevision: 4, version: 2)
    let c4 = fresh("c", "4", 4)
    let log = [
        CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: a2)]),
        CommittedRevision(revision: 3, events: [WatchEvent(kind: .put, kv: b3)]),
        CommittedRevision(revision: 4, events: [WatchEvent(kind: .put, kv: a4), WatchEvent(kind: .put, kv: c4)]),
        CommittedRevision(revision: 5, events: [.delete(key: "b", revision: 5)]),
    ]
    return try KeyspaceReplay.replay(log).get()
}

private func events(_ replay: KeyspaceReplay, _ revisions: ClosedRange<Int64>, prev: Bool = true) -> [WatchEvent] {
    revisions.flatMap { revision in
        (replay.entry(at: revision)?.events ?? []).map { event in
            var event = event
            event.prevKV = prev ? replay.keyspace(at: revision - 1)?[event.kv.key] : nil
            return event
        }
    }
}

private func watch(_ responses: [WatchResponse], from start: Int64 = 2, key: String = "", prefix: Bool = true) -> WatchRecord {
    WatchRecord(key: key, prefix: prefix, startRevision: start, wantsPreviousKV: true, responses: responses, name: "w")
}

@Suite("C3: watch streams against the committed log")
struct WatchCheckTests {
    @Test("a correct stream with batches, progress and a resumed stream passes")
    func valid() throws {
        let replay = try sampleReplay()
        let first = watch([.events(events(replay, 2...3)), .progress(revision: 3)])
        let resumed = watch([.events(events(replay, 4...4)), .events(events(replay, 5...5)), .progress(revision: 5)], from: 4)
        let single = watch([.events(events(replay, 3...3).filter { $0.kv.key == "b" }), .events(events(replay, 5...5))], key: "b", prefix: false)
        #expect(WatchCheck.check([first, resumed, single], replay: replay).isEmpty)
    }

    @Test("a gap is caught")
    func gap() throws {
        let replay = try sampleReplay()
        let violations = WatchCheck.check([watch([.events(events(replay, 2...2)), .events(events(replay, 4...5))])], replay: replay)
        #expect(violations.count == 1)
        #expect(violations.first?.message.contains("gap") == true)
        #expect(violations.first?.revision == 3)
        print(violations)
    }

    @Test("a duplicate is caught")
    func duplicate() throws {
        let replay = try sampleReplay()
        let violations = WatchCheck.check([watch([.events(events(replay, 2...3)), .events(events(replay, 3...3))])], replay: replay)
        #expect(violations.first?.message.contains("duplicate") == true)
    }

    @Test("a revision split across two responses is caught")
    func split() throws {
        let replay = try sampleReplay()
        let four = events(replay, 4...4)
        let violations = WatchCheck.check([watch([.events(events(replay, 2...3) + [four[0]]), .events([four[1]])])], replay: replay)
        #expect(violations.first?.message.contains("split") == true)
        #expect(violations.first?.revision == 4)
    }

    @Test("a wrong prev_kv is caught")
    func wrongPrevious() throws {
        let replay = try sampleReplay()
        var bad = events(replay, 2...4)
        bad[2].prevKV = nil  // a@4's previous record is a@2
        let violations = WatchCheck.check([watch([.events(bad)])], replay: replay)
        #expect(violations.first?.message.contains("prev_kv") == true)
        #expect(violations.first?.key == "a")
    }

    @Test("a progress notification at R before an event at or below R is caught")
    func earlyProgress() throws {
        let replay = try sampleReplay()
        let violations = WatchCheck.check([watch([.events(events(replay, 2...2)), .progress(revision: 3), .events(events(replay, 3...3))])], replay: replay)
        #expect(violations.first?.message.contains("progress notification at 3 precedes undelivered") == true)
    }

    @Test("out-of-order and phantom events are caught")
    func outOfOrder() throws {
        let replay = try sampleReplay()
        let reordered = WatchCheck.check([watch([.events(events(replay, 3...3)), .events(events(replay, 2...2))])], replay: replay)
        #expect(reordered.count == 1)
        let phantom = WatchEvent(kind: .put, kv: fresh("z", "?", 6))
        let extra = WatchCheck.check([watch([.events(events(replay, 2...5)), .events([phantom])])], replay: replay)
        #expect(extra.first?.message.contains("not in the committed log") == true)
    }

    @Test("compaction cancel: fine when the needed revision was compacted, wrong otherwise")
    func cancel() throws {
        let replay = try sampleReplay()
        #expect(WatchCheck.check([watch([.canceled(compactRevision: 4)], from: 3)], replay: replay).isEmpty)
        #expect(WatchCheck.check([watch([.canceled(compactRevision: 3)], from: 3)], replay: replay).count == 1)
        #expect(WatchCheck.check([watch([.canceled(compactRevision: 4), .progress(revision: 4)], from: 2)], replay: replay).count == 1)
    }
}

@Suite("C2, C5, C6 and the committed log")
struct LogChecksTests {
    @Test("an inconsistent committed log is rejected")
    func badLog() {
        let gap = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: fresh("a", "1", 2))]),
                   CommittedRevision(revision: 4, events: [WatchEvent(kind: .put, kv: fresh("b", "1", 4))])]
        #expect(throws: ViolationList.self) { try KeyspaceReplay.replay(gap).get() }
        let badVersion = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: KeyValue(key: "a", value: "1", createRevision: 2, modRevision: 2, version: 3))])]
        #expect(throws: ViolationList.self) { try KeyspaceReplay.replay(badVersion).get() }
        let deleteMissing = [CommittedRevision(revision: 2, events: [.delete(key: "a", revision: 2)])]
        #expect(throws: ViolationList.self) { try KeyspaceReplay.replay(deleteMissing).get() }
    }

    @Test("C2: acknowledged writes in the log, phantom writes, final state")
    func durability() throws {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "1", rev: 2)
        h.put(1, 20, 30, "b", "2", rev: 3)
        h.put(2, 25, nil, "c", "maybe", rev: 0)
        let log = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: fresh("a", "1", 2))]),
                   CommittedRevision(revision: 3, events: [WatchEvent(kind: .put, kv: fresh("b", "2", 3))])]
        let replay = try KeyspaceReplay.replay(log).get()
        #expect(DurabilityCheck.check(h.operations, replay: replay, finalRead: (3, [fresh("a", "1", 2), fresh("b", "2", 3)])).isEmpty)
        // The final state differs from the replay.
        let final = DurabilityCheck.check(h.operations, replay: replay, finalRead: (3, [fresh("a", "1", 2)]))
        #expect(final.count == 1 && final[0].check == .durability)
        // An acknowledged write missing from the log.
        h.put(3, 40, 50, "d", "3", rev: 4)
        let lost = DurabilityCheck.check(h.operations, replay: replay)
        #expect(lost.count == 1 && lost[0].operations == [3] && lost[0].revision == 4)
        print(lost)
        // A write that no client made.
        let phantomLog = log + [CommittedRevision(revision: 4, events: [WatchEvent(kind: .put, kv: fresh("e", "ghost", 4))])]
        let phantom = DurabilityCheck.check(h.operations, replay: try KeyspaceReplay.replay(phantomLog).get())
        #expect(phantom.contains { $0.key == "e" && $0.message.contains("no client wrote") })
    }

    @Test("C2: a write acknowledged with a revision that another write also got")
    func duplicateRevision() throws {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "1", rev: 2)
        h.put(2, 0, 10, "b", "2", rev: 2)
        let log = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: fresh("a", "1", 2))])]
        let violations = DurabilityCheck.check(h.operations, replay: try KeyspaceReplay.replay(log).get())
        #expect(violations.contains { $0.message.contains("two acknowledged writes got revision 2") })
        #expect(RevisionOrderCheck.check(h.operations).count == 1)
    }

    @Test("C5: two leaders in one term are caught; different terms are fine")
    func leaders() {
        let fine = [LeaderObservation(term: 1, leader: 1, observer: "m1"), LeaderObservation(term: 2, leader: 2, observer: "m3"),
                    LeaderObservation(term: 2, leader: 2, observer: "m2")]
        #expect(LeaderCheck.check(fine).isEmpty)
        let split = fine + [LeaderObservation(term: 2, leader: 3, observer: "m3")]
        let violations = LeaderCheck.check(split)
        #expect(violations.count == 1 && violations[0].message.hasPrefix("term 2 has 2 leaders"))
    }

    @Test("C6: pinned and serializable reads equal the replay at their revision")
    func pinnedReads() throws {
        let log = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: fresh("a", "1", 2))]),
                   CommittedRevision(revision: 3, events: [WatchEvent(kind: .put, kv: KeyValue(key: "a", value: "2", createRevision: 2, modRevision: 3, version: 2))])]
        let replay = try KeyspaceReplay.replay(log).get()
        let good = PinnedRead(key: "a", prefix: false, revision: 2, kvs: [fresh("a", "1", 2)], member: "m2")
        #expect(PinnedReadCheck.check([good], replay: replay).isEmpty)
        let wrong = PinnedRead(key: "", prefix: true, revision: 3, kvs: [fresh("a", "1", 2)], member: "m2")
        let future = PinnedRead(key: "a", prefix: false, revision: 9, kvs: [], member: "m3")
        let violations = PinnedReadCheck.check([good, wrong, future], replay: replay)
        #expect(violations.map(\.operations) == [[1], [2]])
    }
}

@Suite("C2: requests that only delete")
struct DeleteOnlyDurabilityTests {
    @Test("an acknowledged revoke and a delete-only txn are either in the log at their revision or changed nothing")
    func deleteOnly() throws {
        let a = KeyValue(key: "a", value: "1", createRevision: 2, modRevision: 2, version: 1, lease: 7)
        let log = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: a)]),
                   CommittedRevision(revision: 3, events: [WatchEvent(kind: .put, kv: fresh("b", "2", 3))]),
                   CommittedRevision(revision: 4, events: [.delete(key: "a", revision: 4)])]
        let replay = try KeyspaceReplay.replay(log).get()
        var h = HistoryBuilder()
        h.add(1, 0, 10, .put(key: "a", value: "1", lease: 7, prevKV: false), .put(revision: 2, prev: nil))
        h.put(1, 20, 30, "b", "2", rev: 3)
        h.add(2, 40, 50, .leaseRevoke(id: 7), .leaseRevoke(revision: 4))
        h.add(2, 60, 70, .txn(compares: [], success: [.delete(key: "zz")], failure: []), .txn(revision: 4, succeeded: true))
        #expect(DurabilityCheck.check(h.operations, replay: replay).isEmpty)
        // A delete-only txn that answered "changed nothing" at revision 3 while b lived there: its deletion is lost.
        var lost = HistoryBuilder()
        lost.add(1, 0, 10, .put(key: "a", value: "1", lease: 7, prevKV: false), .put(revision: 2, prev: nil))
        lost.put(1, 20, 30, "b", "2", rev: 3)
        lost.add(2, 40, 50, .txn(compares: [], success: [.delete(key: "b")], failure: []), .txn(revision: 3, succeeded: true))
        let violations = DurabilityCheck.check(lost.operations, replay: replay)
        #expect(violations.count == 1 && violations[0].message.contains("b still lived"), "\(violations)")
    }
}
