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
