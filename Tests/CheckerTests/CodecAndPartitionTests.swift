import Checker
import Testing

@Suite("History text format and the partition-by-key variant")
struct CodecAndPartitionTests {
    @Test("every request and response kind round-trips, including awkward strings")
    func roundTrip() throws {
        var h = HistoryBuilder()
        h.add(1, 0, 10, .put(key: "a b", value: "x%'\n\u{00e9}", lease: 7, prevKV: true), .put(revision: 2, prev: fresh("a b", "", 1)))
        h.add(2, 1, 11, .txn(compares: [.valueEquals(key: "a", value: ""), .modRevisionEquals(key: "b", revision: 3), .versionEquals(key: "c", version: 0)],
                             success: [.put(key: "a", value: "1", lease: 0), .delete(key: "b")], failure: []), .txn(revision: 3, succeeded: false))
        h.add(3, 2, nil, .delete(key: "p/", prefix: true), nil)
        h.add(4, 3, 13, .range(prefix: ""), .range(revision: 3, kvs: [fresh("a", "1", 2), fresh("b", "2", 3)]))
        h.add(5, 4, 14, .leaseGrant(id: 9), .leaseGrant(revision: 3))
        h.add(5, 15, 16, .leaseRevoke(id: 9), .failed(.leaseNotFound))
        h.add(6, 5, 15, .get(key: ""), .get(revision: 3, kv: nil))
        h.add(6, 20, 25, .delete(key: "a", prefix: false), .delete(revision: 4, deleted: 1))
        let text = "# a saved history\n\n" + HistoryCodec.encode(h.operations)
        #expect(try HistoryCodec.decode(text) == h.operations)
        #expect(!HistoryCodec.encodeLine(h.operations[0]).contains("\n"))
    }

    @Test("malformed lines give a typed error naming the line")
    func malformed() throws {
        #expect(throws: HistoryCodecError.self) { try HistoryCodec.decode("1 0 10 get 'a => get x -") }
        do {
            _ = try HistoryCodec.decode("1 0 10 get 'a => get 1 -\n2 5 3 get 'a => get 1 -")
            Issue.record("a return before its call was accepted")
        } catch {
            guard case .malformed(let line, _, let reason) = error else { return }
            #expect(line == 2 && reason == "return before call")
        }
        #expect(throws: HistoryCodecError.self) { try HistoryCodec.decode("1 0 10 put 'a 'b 0 0 => ?") }  // unknown must return at inf
        #expect(try HistoryCodec.decode("1 0 inf put 'a 'b 0 0 => put 2 -").first?.output == .put(revision: 2, prev: nil))  // resolved
        #expect(throws: HistoryCodecError.self) { try HistoryCodec.decode("1 0 9 frobnicate 'a => ?") }
        #expect(throws: HistoryCodecError.self) { try HistoryCodec.decode("1 0 9 get 'a => get 2 - extra") }
    }

    @Test("partitioned: stale read on one key is caught per key")
    func staleReadPerKey() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(1, 20, 30, "a", "v2", rev: 3)
        h.put(3, 32, 35, "b", "w", rev: 4)  // another key: fine
        h.get(2, 40, 50, "a", rev: 4, fresh("a", "v1", 2))  // header revision right, value stale
        let report = PartitionedChecker().check(h.operations)
        #expect(report.keyViolations["a"] != nil)
        #expect(report.keyViolations["b"] == nil)
        #expect(report.revisionViolations.isEmpty)
        #expect(report.violations.first?.key == "a")
        print(report)
    }

    @Test("partitioned: a deposed leader's answer with an old header revision is caught by the real-time revision check")
    func deposedLeaderRevision() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "v1", rev: 2)
        h.put(1, 20, 30, "b", "w1", rev: 3)
        // The value of a is right, but the header revision predates a write that had completed.
        h.get(2, 40, 50, "a", rev: 2, fresh("a", "v1", 2))
        let report = PartitionedChecker().check(h.operations)
        #expect(report.keyViolations.isEmpty)
        #expect(report.revisionViolations.count == 1)
        #expect(report.isViolation)
        // The global model sees it too.
        #expect(checkKV(h.operations).isViolation)
    }

    @Test("partitioned: transactions over two keys with unknown outcomes are explained by either branch")
    func unknownTxn() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "1", rev: 2)
        let txn = KVInput.txn(compares: [.modRevisionEquals(key: "a", revision: 2)], success: [.put(key: "b", value: "yes", lease: 0)],
                              failure: [.put(key: "b", value: "no", lease: 0)])
        h.add(2, 20, nil, txn, nil)
        h.get(3, 100, 110, "b", rev: 3, fresh("b", "no", 3))
        #expect(PartitionedChecker().check(h.operations).isLinearizable)
        #expect(!checkKV(h.operations).isLinearizable)  // the global model knows mod(a) == 2, so "no" is impossible
    }

    @Test("partitioned: a lost update through compare-and-set is caught per key")
    func lostUpdate() {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "c", "0", rev: 2)
        h.add(1, 20, 40, .txn(compares: [.valueEquals(key: "c", value: "0")], success: [.put(key: "c", value: "1", lease: 0)], failure: []), .txn(revision: 3, succeeded: true))
        h.add(2, 21, 41, .txn(compares: [.valueEquals(key: "c", value: "0")], success: [.put(key: "c", value: "2", lease: 0)], failure: []), .txn(revision: 4, succeeded: true))
        #expect(PartitionedChecker().check(h.operations).keyViolations["c"] != nil)
    }

    @Test("partitioned: budget exhaustion is unknown, not a pass")
    func budget() {
        var h = HistoryBuilder()
        for client in 0..<10 { h.put(client, 0, 1000, "k", "v\(client)", rev: Int64(client + 2)) }
        let report = PartitionedChecker(maxStepsPerKey: 3).check(h.operations)
        #expect(report.unknownKeys == ["k"])
        #expect(!report.isLinearizable)
    }
}

import Foundation

@Suite("Saving a failing history and replaying it from a file")
struct HistoryFileTests {
    @Test("a non-linearizable history written to a file reads back and fails the same way")
    func saveAndReplay() throws {
        let generated = HistoryGenerator(fault: .dropsAcknowledgedWrite).generate(seed: 3)
        let verdict = checkKV(generated.history)
        #expect(verdict.isViolation)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-checker-\(UInt64.random(in: 0...UInt64.max)).history").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ("# seed 3, dropsAcknowledgedWrite\n" + HistoryCodec.encode(generated.history)).write(toFile: path, atomically: true, encoding: .utf8)
        let replayed = try HistoryCodec.decode(try String(contentsOfFile: path, encoding: .utf8))
        #expect(replayed == generated.history)
        #expect(checkKV(replayed) == verdict)
    }
}
