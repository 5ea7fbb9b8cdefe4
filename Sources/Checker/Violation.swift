/// The reliability checks of RELIABILITY.md section 2 that a recorded history can prove.
public enum ReliabilityCheck: String, Hashable, Sendable, CaseIterable {
    /// C1: the KV history is linearizable (including the global revision checks of the partitioned variant).
    case linearizable = "C1"
    /// C2: every acknowledged write is in the committed log at its revision; the final state equals a replay.
    case durability = "C2"
    /// C3: watch streams are ordered, unique, atomic, gapless, bookmarkable, with the right prev_kv.
    case watch = "C3"
    /// C5: at most one leader per term.
    case leaderPerTerm = "C5"
    /// C6: pinned and serializable reads equal the replay at their revision.
    case pinnedRead = "C6"
}

/// One broken guarantee, with the operations, key and revision that show it.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
    /// Which check failed.
    public var check: ReliabilityCheck
    /// What went wrong, in one or a few sentences.
    public var message: String
    /// Indices of the operations (or watch responses, observations) involved.
    public var operations: [Int]
    /// The key involved, if one.
    public var key: String?
    /// The revision involved, if one.
    public var revision: Int64?

    /// Creates a violation.
    public init(_ check: ReliabilityCheck, _ message: String, operations: [Int] = [], key: String? = nil, revision: Int64? = nil) {
        self.check = check
        self.message = message
        self.operations = operations
        self.key = key
        self.revision = revision
    }

    /// `C2 key=a rev=7 ops=[3, 9]: message`.
    public var description: String {
        var text = check.rawValue
        if let key { text += " key=\(key)" }
        if let revision { text += " rev=\(revision)" }
        if !operations.isEmpty { text += " ops=\(operations)" }
        return text + ": " + message
    }
}

/// A list of violations usable as an error.
public struct ViolationList: Error, Hashable, Sendable {
    /// The violations, in the order found.
    public var violations: [Violation]

    /// Wraps violations.
    public init(_ violations: [Violation]) { self.violations = violations }
}
