import Checker
import Testing

@Suite("Randomized: histories from a correct model pass, from a broken store fail")
struct RandomizedTests {
    static let seeds: [UInt64] = Array(1...40)

    @Test("correct store, concurrent clients, unknown outcomes: global check passes", arguments: seeds)
    func correctGlobal(seed: UInt64) {
        let generated = HistoryGenerator().generate(seed: seed)
        let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(generated.history)
        #expect(verdict.isLinearizable, "seed \(seed): \(verdict)\nreplay: HistoryGenerator().generate(seed: \(seed))\n\(HistoryCodec.encode(generated.history))")
    }

    @Test("correct store: partitioned check, durability and watches pass on longer runs", arguments: Array(seeds.prefix(15)))
    func correctPartitioned(seed: UInt64) throws {
        let generated = HistoryGenerator(clients: 6, operations: 300, keys: ["a", "b", "c", "d", "e"]).generate(seed: seed)
        let report = PartitionedChecker().check(generated.history)
        #expect(report.isLinearizable, "seed \(seed): \(report)")
        let replay = try KeyspaceReplay.replay(generated.log).get()
        let final = generated.finalState
        let durability = DurabilityCheck.check(generated.history, replay: replay, finalRead: (final.revision, final.sortedRecords))
        #expect(durability.isEmpty, "seed \(seed): \(durability)")
        // A watcher on every key from revision 2, with prev_kv, delivering the log in random batches.
        var rng = SeededGenerator(seed: seed)
        let watch = WatchRecord(key: "", prefix: true, startRevision: 2, wantsPreviousKV: true,
                                responses: WatchStreams.deliver(replay.log, from: 2, filter: { _ in true }, using: &rng))
        #expect(WatchCheck.check([watch], replay: replay).isEmpty, "seed \(seed)")
    }

    @Test("stale reads are caught whenever real time proves them stale", arguments: seeds)
    func staleReads(seed: UInt64) {
        let generated = HistoryGenerator(fault: .staleReads).generate(seed: seed)
        let witness = RevisionOrderCheck.check(generated.history)
        let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(generated.history)
        if !witness.isEmpty {
            #expect(verdict.isViolation, "seed \(seed): \(witness) but the checker said \(verdict)")
        }
        #expect(!verdict.isLinearizable || witness.isEmpty, "seed \(seed)")
    }

    @Test("the stale-read store produces provably stale histories on most seeds, and each is red")
    func staleReadsAreOftenProvable() {
        var proven = 0
        for seed in Self.seeds {
            let history = HistoryGenerator(fault: .staleReads).generate(seed: seed).history
            if !RevisionOrderCheck.check(history).isEmpty {
                proven += 1
                #expect(LinearizabilityChecker(model: KVModel()).check(history).isViolation, "seed \(seed)")
                #expect(PartitionedChecker().check(history).isViolation, "seed \(seed)")
            }
        }
        #expect(proven >= Self.seeds.count / 2, "only \(proven) seeds produced a provable stale read")
    }

    @Test("a store that drops one acknowledged write is red: C1 when a later write reuses its revision, C2 always", arguments: seeds)
    func droppedWrite(seed: UInt64) throws {
        let generated = HistoryGenerator(fault: .dropsAcknowledgedWrite).generate(seed: seed)
        if generated.dropProvable {
            let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(generated.history)
            #expect(verdict.isViolation, "seed \(seed): \(verdict)")
        }
        let replay = try KeyspaceReplay.replay(generated.log).get()
        let final = generated.finalState
        let durability = DurabilityCheck.check(generated.history, replay: replay, finalRead: (final.revision, final.sortedRecords))
        #expect(!durability.isEmpty, "seed \(seed): the dropped write went unnoticed")
        #expect(durability.contains { $0.message.contains("is lost") || $0.message.contains("two acknowledged writes") }, "seed \(seed): \(durability)")
    }

    @Test("the partitioned variant alone catches most provable dropped writes (the rest need C2's log mapping)")
    func droppedWritePartitioned() {
        let provable = Self.seeds.filter { HistoryGenerator(fault: .dropsAcknowledgedWrite).generate(seed: $0).dropProvable }
        let caught = provable.filter { PartitionedChecker().check(HistoryGenerator(fault: .dropsAcknowledgedWrite).generate(seed: $0).history).isViolation }
        print("partitioned variant alone: \(caught.count) of \(provable.count) provable dropped writes")
        #expect(caught.count * 2 >= provable.count, "caught \(caught) of \(provable)")
    }

    @Test("the dropping store is provably wrong under C1 on most seeds")
    func droppedWriteIsOftenProvable() {
        let provable = Self.seeds.filter { HistoryGenerator(fault: .dropsAcknowledgedWrite).generate(seed: $0).dropProvable }
        #expect(provable.count >= Self.seeds.count / 2, "only \(provable.count) seeds")
    }

    @Test("long runs without unknown outcomes: the global search passes 1000 operations of 8 clients; a stale store fails", arguments: Array(UInt64(1)...3))
    func longGlobal(seed: UInt64) {
        let correct = HistoryGenerator(clients: 8, operations: 1000, keys: ["a", "b", "c", "d", "e"], unknownPercent: 0).generate(seed: seed)
        let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(correct.history)
        #expect(verdict.isLinearizable, "seed \(seed): \(verdict)")
        let stale = HistoryGenerator(clients: 8, operations: 1000, keys: ["a", "b", "c", "d", "e"], unknownPercent: 0, fault: .staleReads).generate(seed: seed)
        if !RevisionOrderCheck.check(stale.history).isEmpty {
            #expect(LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(stale.history).isViolation, "seed \(seed)")
        }
    }

    @Test("saved histories replay exactly", arguments: Array(seeds.prefix(10)))
    func codecRoundTrip(seed: UInt64) throws {
        let history = HistoryGenerator(unknownPercent: 20).generate(seed: seed).history
        let decoded = try HistoryCodec.decode(HistoryCodec.encode(history))
        #expect(decoded == history, "seed \(seed)")
    }
}

@Suite("Resolving unknown outcomes from the committed log")
struct OutcomeResolutionTests {
    @Test("an unknown put found in the log gets its response; one not in the log is dropped")
    func handMade() throws {
        var h = HistoryBuilder()
        h.put(1, 0, 10, "a", "1", rev: 2)
        h.add(2, 5, nil, .put(key: "a", value: "2", lease: 0, prevKV: true), nil)
        h.add(3, 6, nil, .put(key: "b", value: "never", lease: 0, prevKV: false), nil)
        h.add(4, 7, nil, .delete(key: "c", prefix: false), nil)  // c is never deleted in the log: dropped
        h.add(5, 8, nil, .delete(key: "a", prefix: false), nil)  // the only request that can have made revision 4: pinned there
        let log = [CommittedRevision(revision: 2, events: [WatchEvent(kind: .put, kv: fresh("a", "1", 2))]),
                   CommittedRevision(revision: 3, events: [WatchEvent(kind: .put, kv: KeyValue(key: "a", value: "2", createRevision: 2, modRevision: 3, version: 2))]),
                   CommittedRevision(revision: 4, events: [.delete(key: "a", revision: 4)])]
        let resolved = OutcomeResolution.resolve(h.operations, replay: try KeyspaceReplay.replay(log).get())
        #expect(resolved.kept == [0, 1, 4])
        #expect(resolved.history[1].output == .put(revision: 3, prev: fresh("a", "1", 2)))
        #expect(resolved.history[1].returnNanoseconds == nil)
        #expect(resolved.history[2].output == .delete(revision: 4, deleted: 1))
        #expect(try HistoryCodec.decode(HistoryCodec.encode(resolved.history)) == resolved.history)
    }

    @Test("with many unknown outcomes, resolved histories pass the global check; a dropped write still fails", arguments: Array(UInt64(1)...10))
    func manyUnknowns(seed: UInt64) throws {
        let generated = HistoryGenerator(clients: 6, operations: 120, unknownPercent: 20).generate(seed: seed)
        let replay = try KeyspaceReplay.replay(generated.log).get()
        let resolved = OutcomeResolution.resolve(generated.history, replay: replay).history
        let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(resolved)
        #expect(verdict.isLinearizable, "seed \(seed): \(verdict)")
        let broken = HistoryGenerator(clients: 6, operations: 120, unknownPercent: 20, fault: .dropsAcknowledgedWrite).generate(seed: seed)
        if broken.dropProvable {
            let brokenReplay = try KeyspaceReplay.replay(broken.log).get()
            let brokenResolved = OutcomeResolution.resolve(broken.history, replay: brokenReplay).history
            #expect(LinearizabilityChecker(model: KVModel(), maxSteps: 3_000_000).check(brokenResolved).isViolation, "seed \(seed)")
        }
    }
}
