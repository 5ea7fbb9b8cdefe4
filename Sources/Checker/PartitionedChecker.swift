/// The partition-by-key variant of C1: one revision-free search per key plus the global revision checks.
///
/// Each key's projection (``KeyProjection``) is checked with ``KeyModel``, which is far
/// cheaper than the global model on long runs because the search space is per key. What
/// the projection loses (the global revision order) is checked by ``RevisionOrderCheck``:
/// unique revisions for acknowledged writes and real-time order of header revisions. The
/// committed-log checks (one-to-one mapping, final state = replay) are ``DurabilityCheck``.
public struct PartitionedChecker {
    /// The step budget of each key's search.
    public var maxStepsPerKey: Int

    /// Creates a checker.
    public init(maxStepsPerKey: Int = 1_000_000) { self.maxStepsPerKey = maxStepsPerKey }

    /// The outcome of a partitioned check.
    public struct Report: Hashable, Sendable, CustomStringConvertible {
        /// Keys whose projection is not linearizable, with the search's report.
        public var keyViolations: [String: LinearizabilityViolation]
        /// Keys whose search ran out of budget (the overall answer is then at best unknown).
        public var unknownKeys: [String]
        /// Revision-order violations across keys.
        public var revisionViolations: [Violation]
        /// Every key checked, in byte order.
        public var keys: [String]

        /// All violations as ``Violation`` values (key violations first, in key order).
        public var violations: [Violation] {
            keys.compactMap { key in
                keyViolations[key].map { Violation(.linearizable, "key \(key) is not linearizable:\n" + $0.explanation, operations: [$0.blockedOperation], key: key) }
            } + revisionViolations
        }

        /// True only when every key passed and no revision check failed.
        public var isLinearizable: Bool { keyViolations.isEmpty && unknownKeys.isEmpty && revisionViolations.isEmpty }

        /// True when a violation was proven.
        public var isViolation: Bool { !keyViolations.isEmpty || !revisionViolations.isEmpty }

        /// A summary with every violation.
        public var description: String {
            if isLinearizable { return "linearizable per key (\(keys.count) keys) and revisions in real-time order" }
            var lines = violations.map(\.description)
            if !unknownKeys.isEmpty { lines.append("unknown (budget ran out, not a pass) for keys \(unknownKeys)") }
            return lines.joined(separator: "\n")
        }
    }

    /// Checks every key's projection and the global revision order.
    /// - Parameter shouldStop: polled during each search; true ends it with `unknown`.
    public func check(_ history: [KVOperation], shouldStop: () -> Bool = { false }) -> Report {
        let keys = KeyProjection.universe(history)
        var keyViolations: [String: LinearizabilityViolation] = [:]
        var unknownKeys: [String] = []
        let checker = LinearizabilityChecker(model: KeyModel(), maxSteps: maxStepsPerKey)
        for key in keys {
            let projected = KeyProjection.project(history, onto: key)
            switch checker.check(projected, shouldStop: shouldStop) {
            case .linearizable: break
            case .unknown, .malformedHistory: unknownKeys.append(key)
            case .notLinearizable(var violation):
                violation.blockedOperation = projected[violation.blockedOperation].input.source
                violation.longestPrefix = violation.longestPrefix.map { projected[$0].input.source }
                keyViolations[key] = violation
            }
        }
        return Report(keyViolations: keyViolations, unknownKeys: unknownKeys,
                      revisionViolations: RevisionOrderCheck.check(history), keys: keys)
    }
}
