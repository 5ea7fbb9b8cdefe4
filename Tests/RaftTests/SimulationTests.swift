import Testing
import Raft

#if canImport(Glibc)
import Glibc
#endif

/// Randomized, seeded simulations of whole Raft groups under faults. Set `TERN_RAFT_SIM_RUNS` to run
/// more seeds (a soak); `TERN_RAFT_SIM_SEED` replays one seed.
@Suite struct SimulationTests {
    static let batches = 20
    static var runsPerBatch: Int {
        if let text = getenv("TERN_RAFT_SIM_RUNS").map({ String(cString: $0) }), let n = Int(text) {
            return max(1, n / batches)
        }
        return 100  // 2,000 runs in all
    }

    @Test("randomized fault runs keep every invariant", arguments: 0..<batches)
    func randomizedRuns(batch: Int) {
        if let text = getenv("TERN_RAFT_SIM_SEED").map({ String(cString: $0) }), let seed = UInt64(text) {
            guard batch == 0 else { return }
            let outcome = RandomizedRun(seed: seed).run()
            #expect(outcome.violations.isEmpty, "\(outcome.report)")
            return
        }
        for i in 0..<Self.runsPerBatch {
            let seed = UInt64(batch * Self.runsPerBatch + i)
            let outcome = RandomizedRun(seed: seed).run()
            #expect(outcome.violations.isEmpty, "replay with TERN_RAFT_SIM_SEED=\(seed): \(outcome.report)")
            if !outcome.violations.isEmpty { return }
        }
    }

    @Test("the same seed replays the same run")
    func determinism() {
        let a = RandomizedRun(seed: 4242).run()
        let b = RandomizedRun(seed: 4242).run()
        #expect(a.report == b.report)
        #expect(a.committed == b.committed)
        #expect(a.committed > 0)
    }

    @Test("runs through the real WAL on a simulated disk: crashes lose unsynced writes, saves tear", arguments: 0..<4)
    func throughWAL(batch: Int) {
        for i in 0..<50 {
            let seed = UInt64(100_000 + batch * 50 + i)
            var run = RandomizedRun(seed: seed)
            run.throughWAL = true
            let outcome = run.run()
            #expect(outcome.violations.isEmpty, "replay the WAL run of seed \(seed): \(outcome.report)")
            if !outcome.violations.isEmpty { return }
        }
    }
}
