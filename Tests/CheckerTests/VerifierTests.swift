import Checker
import Testing

@Suite("ReliabilityVerifier: every check on one recorded run")
struct VerifierTests {
    /// A recorded run built from a generated history: the log, a final read, two watches, reads pinned at random revisions.
    static func run(seed: UInt64, fault: StoreFault = .none) throws -> RecordedRun {
        let generated = HistoryGenerator(clients: 5, operations: 120, fault: fault).generate(seed: seed)
        let replay = try KeyspaceReplay.replay(generated.log).get()
        var rng = SeededGenerator(seed: seed ^ 0xC0FFEE)
        let watchAll = WatchRecord(key: "", prefix: true, startRevision: 2, wantsPreviousKV: true,
                                   responses: WatchStreams.deliver(replay.log, from: 2, filter: { _ in true }, using: &rng), name: "all")
        let middle = max(2, replay.lastRevision / 2)
        let watchA = WatchRecord(key: "a", prefix: false, startRevision: middle, wantsPreviousKV: true,
                                 responses: WatchStreams.deliver(replay.log, from: middle, filter: { $0 == "a" }, using: &rng), name: "a")
        let pinned = (0..<5).map { _ in
            let revision = Int64.random(in: 1...replay.lastRevision, using: &rng)
            return PinnedRead(key: "", prefix: true, revision: revision, kvs: replay.records("", prefix: true, at: revision) ?? [], member: "m2")
        }
        let leaders = [LeaderObservation(term: 2, leader: 1, observer: "m1"), LeaderObservation(term: 3, leader: 2, observer: "m3")]
        return RecordedRun(history: generated.history, committedLog: generated.log,
                           finalRead: (generated.finalState.revision, generated.finalState.sortedRecords),
                           watches: [watchAll, watchA], leaderObservations: leaders, pinnedReads: pinned)
    }

    @Test("a correct run passes every check", arguments: Array(UInt64(1)...6))
    func correct(seed: UInt64) throws {
        let report = ReliabilityVerifier().verify(try Self.run(seed: seed))
        #expect(report.passed, "seed \(seed):\n\(report)")
    }

    @Test("one dropped watch event, a second leader in a term, a wrong pinned read: each alone turns the run red", arguments: Array(UInt64(1)...4))
    func eachFaultIsRed(seed: UInt64) throws {
        let base = try Self.run(seed: seed)
        var gap = base
        if case .events(var events)? = gap.watches[0].responses.first, events.count > 1 {
            events.removeLast()
            gap.watches[0].responses[0] = .events(events)
        } else {
            gap.watches[0].responses.removeFirst()
        }
        let gapReport = ReliabilityVerifier(runGlobalSearch: false).verify(gap)
        #expect(!gapReport.passed && gapReport.violations.allSatisfy { $0.check == .watch }, "seed \(seed): \(gapReport)")

        var leaders = base
        leaders.leaderObservations.append(LeaderObservation(term: 3, leader: 1, observer: "m1"))
        #expect(ReliabilityVerifier(runGlobalSearch: false).verify(leaders).violations.map(\.check) == [.leaderPerTerm])

        var pinned = base
        pinned.pinnedReads[0].kvs.append(fresh("zzz", "?", 1))
        #expect(ReliabilityVerifier(runGlobalSearch: false).verify(pinned).violations.map(\.check) == [.pinnedRead])
    }

    @Test("a store that drops an acknowledged write fails C2 (and C1 when provable)", arguments: Array(UInt64(1)...6))
    func droppedWrite(seed: UInt64) throws {
        let report = ReliabilityVerifier().verify(try Self.run(seed: seed, fault: .dropsAcknowledgedWrite))
        #expect(!report.passed)
        #expect(report.violations.contains { $0.check == .durability }, "seed \(seed): \(report)")
    }

    @Test("a budget that runs out makes the run UNKNOWN, never PASS")
    func inconclusive() throws {
        let report = ReliabilityVerifier(maxSteps: 3).verify(try Self.run(seed: 1))
        #expect(report.isInconclusive)
        #expect(!report.passed)
        #expect(report.description.hasPrefix("UNKNOWN"))
    }
}
