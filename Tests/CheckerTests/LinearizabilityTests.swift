import Checker
import Testing

@Suite("C1: linearizability over the KV model with revisions")
struct LinearizabilityTests {
    @Test("sequential puts and gets pass")
    func sequential() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.get(1, 20, 30, "a", rev: 2, fresh("a", "v1", 2))
        h.put(2, 40, 50, "a", "v2", rev: 3)
        h.get(2, 60, 70, "a", rev: 3, KeyValue(key: "a", value: "v2", createRevision: 2, modRevision: 3, version: 2))
        #expect(checkKV(h.operations).isLinearizable)
    }

    @Test("a read concurrent with a put may see either value")
    func concurrentRead() {
        for sawNew in [false, true] {
            var h = HistoryBuilder()
            h.put(1, 0, 10, "a", "v1", rev: 2)
            h.put(1, 20, 50, "a", "v2", rev: 3)
            if sawNew {
                h.get(2, 25, 45, "a", rev: 3, KeyValue(key: "a", value: "v2", createRevision: 2, modRevision: 3, version: 2))
            } else {
                h.get(2, 25, 45, "a", rev: 2, fresh("a", "v1", 2))
            }
            #expect(checkKV(h.operations).isLinearizable)
        }
    }

    @Test("intervals are closed: operations that touch at one instant are concurrent")
    func closedIntervals() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.get(2, 10, 20, "a", rev: 1, nil)  // called at the put's return time: may precede it
        #expect(checkKV(h.operations).isLinearizable)
        var later = HistoryBuilder()
        later.put(1, 0, 10, "a", "v1", rev: 2)
        later.get(2, 11, 20, "a", rev: 1, nil)
        #expect(checkKV(later.operations).isViolation)
    }

    @Test("stale read: a get after a completed put returns the old value")
    func staleRead() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(1, 20, 30, "a", "v2", rev: 3)
        h.get(2, 40, 50, "a", rev: 2, fresh("a", "v1", 2))
        let verdict = checkKV(h.operations)
        #expect(verdict.isViolation)
        guard case .notLinearizable(let violation) = verdict else { return }
        #expect(violation.blockedOperation == 2)
        #expect(violation.explanation.contains("get a"))
        print(verdict)
    }

    @Test("read from a deposed leader's old state: the old value with the old header revision after a newer read")
    func deposedLeaderRead() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "k", "x", rev: 2)
        h.put(1, 20, 60, "k", "y", rev: 3)
        // client 2 reads the new value from the new leader...
        h.get(2, 30, 40, "k", rev: 3, KeyValue(key: "k", value: "y", createRevision: 2, modRevision: 3, version: 2))
        // ...then client 3 asks the deposed leader, which answers from memory, still while the put is pending.
        h.get(3, 45, 55, "k", rev: 2, fresh("k", "x", 2))
        #expect(checkKV(h.operations).isViolation)
    }

    @Test("lost update: two compare-and-sets on the same version both succeed")
    func lostUpdate() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "c", "0", rev: 2)
        let casFrom0To1 = KVInput.txn(compares: [.valueEquals(key: "c", value: "0")], success: [.put(key: "c", value: "1", lease: 0)], failure: [])
        let casFrom0To2 = KVInput.txn(compares: [.valueEquals(key: "c", value: "0")], success: [.put(key: "c", value: "2", lease: 0)], failure: [])
        h.add(1, 20, 40, casFrom0To1, .txn(revision: 3, succeeded: true))
        h.add(2, 21, 41, casFrom0To2, .txn(revision: 4, succeeded: true))
        #expect(checkKV(h.operations).isViolation)
        // The valid version: the second CAS fails at revision 3.
        var ok = HistoryBuilder()
        ok.put(1, 0, 10, "c", "0", rev: 2)
        ok.add(1, 20, 40, casFrom0To1, .txn(revision: 3, succeeded: true))
        ok.add(2, 21, 41, casFrom0To2, .txn(revision: 3, succeeded: false))
        #expect(checkKV(ok.operations).isLinearizable)
    }

    @Test("two writes acknowledged with the same revision")
    func duplicateRevision() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(2, 5, 15, "b", "w1", rev: 2)
        #expect(checkKV(h.operations).isViolation)
    }

    @Test("unknown-outcome put that did happen is explained")
    func unknownHappened() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(2, 20, nil, "a", "lost?", rev: 0)
        h.get(3, 100, 110, "a", rev: 3, KeyValue(key: "a", value: "lost?", createRevision: 2, modRevision: 3, version: 2))
        #expect(checkKV(h.operations).isLinearizable)
    }

    @Test("unknown-outcome put that did not happen is explained")
    func unknownDidNotHappen() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(2, 20, nil, "a", "lost?", rev: 0)
        h.get(3, 100, 110, "a", rev: 2, fresh("a", "v1", 2))
        h.put(3, 120, 130, "b", "x", rev: 3)
        #expect(checkKV(h.operations).isLinearizable)
    }

    @Test("an unknown put cannot take effect before it was sent")
    func unknownNotBeforeCall() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.get(3, 20, 30, "a", rev: 3, KeyValue(key: "a", value: "late", createRevision: 2, modRevision: 3, version: 2))
        h.put(2, 40, nil, "a", "late", rev: 0)
        #expect(checkKV(h.operations).isViolation)
    }

    @Test("leases: revoke deletes attached keys at one revision; grant does not bump")
    func leases() {
        var h = HistoryBuilder()
        h.add(1, 0, 10, .leaseGrant(id: 7), .leaseGrant(revision: 1))
        h.add(1, 20, 30, .put(key: "a", value: "1", lease: 7, prevKV: false), .put(revision: 2, prev: nil))
        h.add(1, 40, 50, .put(key: "b", value: "2", lease: 7, prevKV: false), .put(revision: 3, prev: nil))
        h.add(1, 60, 70, .leaseRevoke(id: 7), .leaseRevoke(revision: 4))
        h.add(1, 80, 90, .range(prefix: ""), .range(revision: 4, kvs: []))
        h.add(1, 100, 110, .put(key: "c", value: "3", lease: 7, prevKV: false), .failed(.leaseNotFound))
        #expect(checkKV(h.operations).isLinearizable)
        var bad = HistoryBuilder()
        bad.add(1, 0, 10, .leaseGrant(id: 7), .leaseGrant(revision: 1))
        bad.add(1, 20, 30, .put(key: "a", value: "1", lease: 7, prevKV: false), .put(revision: 2, prev: nil))
        bad.add(1, 40, 50, .put(key: "b", value: "2", lease: 7, prevKV: false), .put(revision: 3, prev: nil))
        bad.add(1, 60, 70, .leaseRevoke(id: 7), .leaseRevoke(revision: 5))  // two revisions: split delete
        #expect(checkKV(bad.operations).isViolation)
    }

    @Test("deleting a missing key does not bump the revision; range sees a snapshot")
    func deleteAndRange() {
        var h = HistoryBuilder()
        h.add(1, 0, 10, .delete(key: "zz", prefix: false), .delete(revision: 1, deleted: 0))
        h.put(1, 20, 30, "p/a", "1", rev: 2)
        h.put(1, 40, 50, "p/b", "2", rev: 3)
        h.add(2, 60, 70, .range(prefix: "p/"), .range(revision: 3, kvs: [fresh("p/a", "1", 2), fresh("p/b", "2", 3)]))
        h.add(2, 80, 90, .delete(key: "p/", prefix: true), .delete(revision: 4, deleted: 2))
        #expect(checkKV(h.operations).isLinearizable)
        var bad = HistoryBuilder()
        bad.add(1, 0, 10, .delete(key: "zz", prefix: false), .delete(revision: 2, deleted: 0))
        #expect(checkKV(bad.operations).isViolation)
    }

    @Test("a budget that runs out answers unknown, never linearizable")
    func budget() {
        var h = HistoryBuilder()
        for client in 0..<12 { h.put(client, 0, 1000, "k\(client)", "v", rev: Int64(client + 2)) }
        let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: 5).check(h.operations)
        #expect(verdict == .unknown(stepsUsed: 6))
        #expect(!verdict.isLinearizable)
    }
}

@Suite("Malformed input")
struct MalformedInputTests {
    @Test("a return before its call is reported, not crashed on, and is never a pass")
    func returnBeforeCall() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(1, 30, 20, "a", "v2", rev: 3)
        #expect(checkKV(h.operations) == .malformedHistory(operation: 1))
        #expect(!PartitionedChecker().check(h.operations).isLinearizable)
    }
}
