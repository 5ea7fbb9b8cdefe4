/// Everything a fault-injection run recorded, as input to ``ReliabilityVerifier``.
public struct RecordedRun: Sendable {
    /// The KV operations of every logical client.
    public var history: [KVOperation]
    /// The committed log a healthy member reports after the run (from an empty store at `baseRevision`).
    public var committedLog: [CommittedRevision]
    /// The revision of the empty store the log starts from.
    public var baseRevision: Int64
    /// A range over every key after the run (header revision, records), if taken.
    public var finalRead: (revision: Int64, kvs: [KeyValue])?
    /// Every watch stream.
    public var watches: [WatchRecord]
    /// Every (term, leader) sighting.
    public var leaderObservations: [LeaderObservation]
    /// Pinned (`revision=R`) and serializable reads.
    public var pinnedReads: [PinnedRead]

    /// Creates a run record; only the history and the log are required.
    public init(history: [KVOperation], committedLog: [CommittedRevision], baseRevision: Int64 = 1,
                finalRead: (revision: Int64, kvs: [KeyValue])? = nil, watches: [WatchRecord] = [],
                leaderObservations: [LeaderObservation] = [], pinnedReads: [PinnedRead] = []) {
        self.history = history
        self.committedLog = committedLog
        self.baseRevision = baseRevision
        self.finalRead = finalRead
        self.watches = watches
        self.leaderObservations = leaderObservations
        self.pinnedReads = pinnedReads
    }
}

/// The verdict of every check on one run.
public struct ReliabilityReport: Sendable, CustomStringConvertible {
    /// The global C1 search (on the history with unknown writes resolved from the log), nil when skipped.
    public var globalVerdict: LinearizabilityVerdict?
    /// The partitioned C1 check, nil when skipped.
    public var partitioned: PartitionedChecker.Report?
    /// Every violation of every check.
    public var violations: [Violation]
    /// Operations, watch streams and reads checked (for soak figures).
    public var operationsChecked: Int

    /// True when a C1 search ran out of budget: the run is then not proven.
    public var isInconclusive: Bool {
        if case .unknown? = globalVerdict { return true }
        return !(partitioned?.unknownKeys.isEmpty ?? true)
    }

    /// True only when every check passed and no search was inconclusive.
    public var passed: Bool { violations.isEmpty && !isInconclusive }

    /// `PASS`, `FAIL` or `UNKNOWN`, then one line per violation.
    public var description: String {
        let head = passed ? "PASS" : (violations.isEmpty ? "UNKNOWN (a search ran out of budget; not a pass)" : "FAIL: \(violations.count) violation(s)")
        return ([head + " — \(operationsChecked) items checked"] + violations.map(\.description)).joined(separator: "\n")
    }
}

/// Runs C1, C2, C3, C5 and C6 on a recorded run.
public struct ReliabilityVerifier: Sendable {
    /// Whether to run the global search with revisions (exact, for short runs).
    public var runGlobalSearch: Bool
    /// Whether to run the partition-by-key variant (scales to long runs).
    public var runPartitioned: Bool
    /// The step budget of each search.
    public var maxSteps: Int

    /// Creates a verifier; both C1 variants by default.
    public init(runGlobalSearch: Bool = true, runPartitioned: Bool = true, maxSteps: Int = 1_000_000) {
        self.runGlobalSearch = runGlobalSearch
        self.runPartitioned = runPartitioned
        self.maxSteps = maxSteps
    }

    /// Checks everything the run recorded.
    /// - Parameter shouldStop: polled during the searches; true ends them as `unknown`.
    public func verify(_ run: RecordedRun, shouldStop: () -> Bool = { false }) -> ReliabilityReport {
        var report = ReliabilityReport(globalVerdict: nil, partitioned: nil, violations: [],
                                       operationsChecked: run.history.count + run.watches.count + run.pinnedReads.count)
        let replay: KeyspaceReplay?
        switch KeyspaceReplay.replay(run.committedLog, baseRevision: run.baseRevision) {
        case .success(let value): replay = value
        case .failure(let list):
            replay = nil
            report.violations += list.violations
        }
        if let replay {
            report.violations += DurabilityCheck.check(run.history, replay: replay, finalRead: run.finalRead)
        }
        if runGlobalSearch {
            var history = run.history
            var kept = Array(history.indices)
            if let replay { (history, kept) = OutcomeResolution.resolve(run.history, replay: replay) }
            var start = KVModel.State()
            start.revision = run.baseRevision
            let verdict = LinearizabilityChecker(model: KVModel(), maxSteps: maxSteps).check(history, from: start, shouldStop: shouldStop)
            report.globalVerdict = verdict
            switch verdict {
            case .notLinearizable(let violation):
                report.violations.append(Violation(.linearizable, "the history is not linearizable (operation numbers are after resolving unknown outcomes):\n" + violation.explanation, operations: [kept[violation.blockedOperation]]))
            case .malformedHistory(let operation):
                report.violations.append(Violation(.linearizable, "malformed history: operation returns before its call", operations: [kept[operation]]))
            case .linearizable, .unknown:
                break
            }
        }
        if runPartitioned {
            let partitioned = PartitionedChecker(maxStepsPerKey: maxSteps).check(run.history, shouldStop: shouldStop)
            report.partitioned = partitioned
            report.violations += partitioned.violations
        }
        if let replay {
            report.violations += WatchCheck.check(run.watches, replay: replay)
            report.violations += PinnedReadCheck.check(run.pinnedReads, replay: replay)
        }
        report.violations += LeaderCheck.check(run.leaderObservations)
        return report
    }
}
