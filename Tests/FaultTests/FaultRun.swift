import TestSupport
import Checker
import JSON
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What one scenario run found, for the test's expectations and the soak figures.
struct RunOutcome: Sendable {
    var scenario: String
    var seed: UInt64
    var problems: [String]
    var operations: Int
    var unknownWrites: Int
    var faults: Int
    var watches: Int
    var globalVerdict: String
    var lostWrites: Int
    var historyPath: String?
    var seconds: Double
    var notes: [String] = []

    var passed: Bool { problems.isEmpty }

    var summary: String {
        "\(scenario) seed=\(seed): \(passed ? "PASS" : "FAIL") ops=\(operations) unknown=\(unknownWrites) watches=\(watches) faults=\(faults) global=\(globalVerdict) \(format1(seconds))s" + (notes.isEmpty ? "" : " [\(notes.joined(separator: "; "))]")
    }
}

func format1(_ x: Double) -> String { String(Double(Int(x * 10)) / 10) }

/// One run of a scenario: a fresh cluster, traffic, the scenario's faults, healing, then every check
/// (C1–C3, C5, C6 by ``ReliabilityVerifier``; C4 replica hashes and C7 liveness here).
final class FaultRun: @unchecked Sendable {
    // Safe: used from the test's thread only; the threads it starts share only the Sendable members.
    let scenario: String
    let seed: UInt64
    let cluster: FaultCluster
    let recorder = Recorder()
    let follower = LogFollower()
    let traffic: Traffic
    /// Item 13: revisions before a kill vs. the first answer after the restart (``killNoting(_:)``).
    let monotonic: MonotonicStatus
    var random: SeededRandom
    var notes: [String] = []
    /// Problems the scenario itself found (a fault it could not inject, a step that went wrong): reported by
    /// ``finish(baseEnvironment:)`` with the checks' own, so that a failing run keeps its folder.
    var scenarioProblems: [String] = []
    /// Members the scenario left down on purpose (a corrupt WAL): not restarted, not hashed.
    var excluded: Set<String> = []
    /// Changes the recording before it is checked (only the harness's own self-test uses it).
    var tamper: ((inout RecordedRun) -> Void)?
    private var trafficRunning = false
    private let createdAt = monotonicSeconds()

    init(scenario: String, seed: UInt64, size: Int = 3, spares: Int = 0, snapshotEvery: Int = 200, environment: [String: String] = [:]) throws {
        self.scenario = scenario
        self.seed = seed
        random = SeededRandom(seed: seed)
        cluster = try FaultCluster(size: size, spares: spares, seed: seed, snapshotEvery: snapshotEvery)
        excluded = cluster.spares  // until a scenario adds them
        for name in cluster.names { cluster.setEnvironment(name, environment) }
        traffic = Traffic(cluster: cluster, recorder: recorder, follower: follower, seed: seed)
        monotonic = MonotonicStatus(cluster: cluster)
    }

    /// Starts the members, waits for a leader, starts the log follower and the traffic.
    func begin(clients: Int = 4, watchers: Int = 2, compact: Bool = true, slowWatchers: Bool = false) throws {
        try cluster.startAll()
        _ = try cluster.waitForLeader(seconds: 20)
        try follower.start(cluster, seed: seed)
        try traffic.start(clients: clients, watchers: watchers, compact: compact, slowWatchers: slowWatchers)
        trafficRunning = true
    }

    /// Restarts a member with its normal environment (crash points cleared) and lets it run. With
    /// `checkMonotonic`, its first answer must not show a revision below what it reported before it went
    /// down (``killNoting(_:)``, ``waitForCrashNoting(_:seconds:)``).
    func restart(_ name: String, environment: [String: String] = [:], checkMonotonic: Bool = false) throws {
        cluster.setEnvironment(name, environment)
        try cluster.start(name)
        if checkMonotonic { monotonic.expectNotBelow(name) }
    }

    /// SIGKILLs a member right after noting its status and compact revisions (item 13).
    func killNoting(_ name: String) {
        monotonic.record(name)
        cluster.kill(name)
    }

    /// Waits for a member to exit at a crash point, noting its revisions while it runs; true if it exited.
    func waitForCrashNoting(_ name: String, seconds: Double) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if cluster.waitForExit(name, seconds: 0.05) { return true }
            monotonic.record(name)
        }
        return cluster.waitForExit(name, seconds: 0.05)
    }

    private var finished = false

    /// A scenario that threw before `finish()`: stop everything it started, keep the folder for reading.
    deinit {
        guard !finished else { return }
        if trafficRunning { traffic.stop() }
        follower.stop()
        cluster.shutdown(keep: true)
    }

    /// Stops the traffic, heals every fault, restarts every member that is down, and runs every check.
    func finish(baseEnvironment: [String: String] = [:]) -> RunOutcome {
        finished = true
        var problems: [String] = scenarioProblems
        if trafficRunning { traffic.stop() }
        problems += monotonic.finish()
        let monotonicChecked = monotonic.checked.load(ordering: .relaxed)
        if monotonicChecked > 0 { notes.append("monotonic status checked on \(monotonicChecked) restarts") }
        cluster.heal()
        for name in cluster.names where !excluded.contains(name) {
            cluster.resume(name)
            if !cluster.running.contains(name) {
                cluster.setEnvironment(name, baseEnvironment)
                do { try cluster.start(name) } catch { problems.append("cannot restart \(name): \(error)") }
            }
        }
        // C7: after healing, an acknowledged write within a bound.
        let liveness = livenessWrite(within: 20)
        if let problem = liveness.problem { problems.append(problem) }
        // The final state: a linearizable read of every key, and the log up to it.
        var finalRead: (revision: Int64, kvs: [KeyValue])? = nil
        if let read = readEverything(within: 15) { finalRead = read } else { problems.append("C7: no linearizable read of every key within 15 s after healing") }
        if let revision = finalRead?.revision, !follower.waitFor(revision, seconds: 20) {
            problems.append("the log follower reached only revision \(follower.lastRevision) of \(revision)")
        }
        follower.stop()
        if follower.lostAt.load(ordering: .relaxed) > 0 {
            problems.append("the log follower was refused as compacted at \(follower.lostAt.load(ordering: .relaxed)) (harness bug: compaction passed it)")
        }
        // C4: every member has the same keyspace hash at the final revision.
        if let revision = finalRead?.revision { problems += hashesAgree(at: revision, within: 30) }
        var run = RecordedRun(history: recorder.history, committedLog: follower.committed, baseRevision: 1, finalRead: finalRead,
                              watches: recorder.watchRecords, leaderObservations: recorder.leaderObservations, pinnedReads: recorder.pinnedReads)
        tamper?(&run)
        // C2, C3, C5, C6 first; then C1 per key on the raw history (no help from the log). If that search runs
        // out of budget (many unknown writes), it runs again on the history with unknown outcomes resolved
        // from the committed log (sound together with C2); running out of budget again fails the run.
        let report = ReliabilityVerifier(runGlobalSearch: false, runPartitioned: false).verify(run)
        let rawDeadline = monotonicSeconds() + 12
        var partitioned = PartitionedChecker(maxStepsPerKey: 3_000_000).check(run.history, shouldStop: { monotonicSeconds() > rawDeadline })
        var perKey = "raw"
        if !partitioned.isViolation && !partitioned.unknownKeys.isEmpty, case .success(let replay) = KeyspaceReplay.replay(run.committedLog, baseRevision: run.baseRevision) {
            let resolved = OutcomeResolution.resolve(run.history, replay: replay)
            let resolvedDeadline = monotonicSeconds() + 12
            partitioned = PartitionedChecker(maxStepsPerKey: 3_000_000).check(resolved.history, shouldStop: { monotonicSeconds() > resolvedDeadline })
            perKey = "resolved"
        }
        if perKey == "resolved" { notes.append("per-key C1 needed the resolved history") }
        if partitioned.isViolation { problems.append("C1 per key (\(perKey) history):\n" + partitioned.violations.map(\.description).joined(separator: "\n")) }
        if !partitioned.unknownKeys.isEmpty {
            problems.append("C1 per key: the search ran out of budget on \(partitioned.unknownKeys.sorted()) (not a pass)")
        }
        let globalDeadline = monotonicSeconds() + 10
        let globalReport = ReliabilityVerifier(runGlobalSearch: true, runPartitioned: false, maxSteps: 3_000_000)
            .verify(run, shouldStop: { monotonicSeconds() > globalDeadline })
        var global = "skipped"
        switch globalReport.globalVerdict {
        case .linearizable?: global = "linearizable"
        case .unknown?: global = "unknown"
        case .notLinearizable?: global = "NOT-linearizable"
        case .malformedHistory?: global = "malformed"
        case nil: break
        }
        let globalViolations = globalReport.violations.filter { $0.check == .linearizable }
        if !globalViolations.isEmpty { problems.append("global search: " + globalViolations.map(\.description).joined(separator: "\n")) }
        if !report.violations.isEmpty { problems.append(report.description) }
        let crossed = cluster.crossedAnswers.load(ordering: .relaxed)
        if crossed > 0 { notes.append("\(crossed) answers from another cluster were ignored") }
        let lost = report.violations.filter { $0.check == .durability }.count
        var outcome = RunOutcome(scenario: scenario, seed: seed, problems: problems, operations: report.operationsChecked,
                                 unknownWrites: recorder.unknownWrites.load(ordering: .relaxed), faults: cluster.faultsInjected.load(ordering: .relaxed),
                                 watches: run.watches.count, globalVerdict: global, lostWrites: lost, historyPath: nil,
                                 seconds: monotonicSeconds() - createdAt, notes: notes)
        if !outcome.passed {
            let path = cluster.directory + "/history.txt"
            var text = "# scenario \(scenario) seed \(seed)\n# replay: \(replayCommand)\n# notes: \(notes.joined(separator: "; "))\n"
            text += HistoryCodec.encode(run.history)
            if let f = fopen(path, "w") { fputs(text, f); fclose(f) }
            // The problems in full and the committed log the checks used, for reading the failure offline.
            var details = problems.joined(separator: "\n\n") + "\n\n# committed log (revision: events)\n"
            for entry in run.committedLog { details += "\(entry.revision): \(entry.events.map(\.description).joined(separator: ", "))\n" }
            if let f = fopen(cluster.directory + "/problems.txt", "w") { fputs(details, f); fclose(f) }
            outcome.historyPath = path
        }
        cluster.shutdown(keep: !outcome.passed)
        return outcome
    }

    var replayCommand: String {
        "TERN_FAULT_SCENARIO=\(scenario) TERN_FAULT_SEED=\(seed) swift test --filter FaultReplayTests"
    }

    /// Puts a fresh key (recorded like any client write) until one is acknowledged.
    private func livenessWrite(within seconds: Double) -> (seconds: Double, problem: String?) {
        let start = monotonicSeconds()
        var attempt = 0
        while monotonicSeconds() - start < seconds {
            attempt += 1
            for name in cluster.names where cluster.isUp(name) {
                let client = recorder.newClient()
                let (output, _) = recorder.call(client, .put(key: "k0", value: "\(cluster.tag)live-\(attempt)-\(name)", lease: 0, prevKV: false),
                                           on: KVCalls(cluster: cluster, member: name, timeoutSeconds: 2))
                if output != nil { return (monotonicSeconds() - start, nil) }
            }
            pause(0.2)
        }
        return (seconds, "C7: no write acknowledged within \(Int(seconds)) s after healing; logs in \(cluster.directory)\n" + cluster.names.map { "--- \($0)\n" + cluster.logTail($0, lines: 8) }.joined(separator: "\n"))
    }

    private func readEverything(within seconds: Double) -> (revision: Int64, kvs: [KeyValue])? {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            for name in cluster.names where cluster.isUp(name) {
                if let (status, json) = try? cluster.post(name, "/v3/kv/range", #"{"key":"AA==","range_end":"AA=="}"#, timeoutSeconds: 2),
                   status == 200, let revision = KVCalls.revision(json), let kvs = KVCalls.keyValues(json["kvs"]) {
                    return (revision, kvs)
                }
            }
            pause(0.2)
        }
        return nil
    }

    /// C4 over every member the scenario did not leave down.
    private func hashesAgree(at revision: Int64, within seconds: Double) -> [String] {
        cluster.hashesAgree(cluster.names.filter { !excluded.contains($0) }, at: revision, within: seconds)
    }
}

extension FaultRun {
    /// Cuts a random follower off from the others, then waits until the leader's revision is
    /// `revisions` past where it was (at least `atLeastSeconds`, at most `atMostSeconds`: a busy machine
    /// writes slowly). The follower stays isolated; the caller heals.
    func isolateFollower(untilAhead revisions: Int64, atLeastSeconds: Double, atMostSeconds: Double,
                         pollSeconds: Double) throws -> (leader: String, follower: String) {
        let leader = try cluster.waitForLeader()
        let follower = cluster.names.filter { $0 != leader }.randomElement(using: &random)!
        cluster.isolate(follower)
        let from = cluster.status(leader)?.revision ?? 0
        let until = monotonicSeconds() + atMostSeconds
        pause(atLeastSeconds)
        while monotonicSeconds() < until, (cluster.status(leader)?.revision ?? 0) < from + revisions { pause(pollSeconds) }
        return (leader, follower)
    }
}
