import Testing
import Raft

#if canImport(Glibc)
import Glibc
#endif

/// Randomized, seeded simulations of whole Raft groups under faults. Set `TERN_RAFT_SIM_RUNS` to run
/// more seeds (a soak) and `TERN_RAFT_SIM_FIRST_SEED` to start elsewhere; `TERN_RAFT_SIM_SEED`
/// replays one seed. `TERN_RAFT_SIM_PIPELINE=0` turns the pipelined-WAL mode off (each seed then
/// replays the run it made before that mode existed).
@Suite struct SimulationTests {
    static var pipelining: Bool { getenv("TERN_RAFT_SIM_PIPELINE").map { String(cString: $0) } != "0" }

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
            var run = RandomizedRun(seed: seed)
            run.pipelining = Self.pipelining
            let outcome = run.run()
            #expect(outcome.violations.isEmpty, "\(outcome.report)")
            return
        }
        let first = getenv("TERN_RAFT_SIM_FIRST_SEED").flatMap { UInt64(String(cString: $0)) } ?? 0
        for i in 0..<Self.runsPerBatch {
            let seed = first + UInt64(batch * Self.runsPerBatch + i)
            var run = RandomizedRun(seed: seed)
            run.pipelining = Self.pipelining
            let outcome = run.run()
            #expect(outcome.violations.isEmpty, "replay with TERN_RAFT_SIM_SEED=\(seed): \(outcome.report)")
            if !outcome.violations.isEmpty { return }
        }
    }

    /// Seeds that once found a bug, kept forever (RELIABILITY.md: a named regression per bug).
    /// 7090: a follower that installed a leader's snapshot later led without it and could never
    /// catch up a member behind its log start. 10614: without pre-vote, a candidate behind in terms
    /// never learned the term of the only voter it needed (stale vote requests were ignored).
    @Test("regression seeds", arguments: [UInt64(7090), 10614])
    func regressionSeeds(seed: UInt64) {
        // Found before the pipelined-WAL mode: replay them as they were, and pipelined too.
        for pipelining in [false, true] {
            var run = RandomizedRun(seed: seed)
            run.pipelining = pipelining
            let outcome = run.run()
            #expect(outcome.violations.isEmpty, "pipelining \(pipelining): \(outcome.report)")
        }
    }

    /// Guards the pipelined-WAL mode against silently not engaging: over a few seeds, batches are
    /// persisted asynchronously, entries are applied while their own batch is still being written,
    /// heartbeats and appends leave early, and crashes lose batches in flight.
    @Test("pipelined persists overlap applying, early sends and crashes")
    func pipelineEngages() {
        var total = PipelineStats()
        for seed in UInt64(0)..<30 {
            let outcome = RandomizedRun(seed: seed).run()
            #expect(outcome.violations.isEmpty, "replay with TERN_RAFT_SIM_SEED=\(seed): \(outcome.report)")
            total.asyncPersists += outcome.pipeline.asyncPersists
            total.appliedBeforeDurable += outcome.pipeline.appliedBeforeDurable
            total.earlyMessages += outcome.pipeline.earlyMessages
            total.lostInFlight += outcome.pipeline.lostInFlight
        }
        print("pipeline over seeds 0..<30: \(total)")
        #expect(total.asyncPersists > 0)
        #expect(total.appliedBeforeDurable > 0)
        #expect(total.earlyMessages > 0)
        #expect(total.lostInFlight > 0)
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
        // `TERN_RAFT_SIM_WAL_RUNS=n` soaks this mode too (default 200 runs, seeds 100,000 and up).
        let perBatch = getenv("TERN_RAFT_SIM_WAL_RUNS").flatMap { Int(String(cString: $0)) }.map { max(1, $0 / 4) } ?? 50
        for i in 0..<perBatch {
            let seed = UInt64(100_000 + batch * perBatch + i)
            var run = RandomizedRun(seed: seed)
            run.throughWAL = true
            run.pipelining = Self.pipelining
            let outcome = run.run()
            #expect(outcome.violations.isEmpty, "replay the WAL run of seed \(seed): \(outcome.report)")
            if !outcome.violations.isEmpty { return }
        }
    }
}
