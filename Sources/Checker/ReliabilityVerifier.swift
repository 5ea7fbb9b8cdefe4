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
