/// Why a history is not linearizable: the furthest the search got and the operation it could not place.
public struct LinearizabilityViolation: Hashable, Sendable, CustomStringConvertible {
    /// Index (in the checked history) of the operation whose response no order could explain.
    public var blockedOperation: Int
    /// The longest linearized prefix the search found, as history indices in order.
    public var longestPrefix: [Int]
    /// A readable report: the prefix's tail, the blocked operation, what the model would have answered.
    public var explanation: String

    /// Creates a violation report.
    public init(blockedOperation: Int, longestPrefix: [Int], explanation: String) {
        self.blockedOperation = blockedOperation
        self.longestPrefix = longestPrefix
        self.explanation = explanation
    }

    /// The explanation.
    public var description: String { explanation }
}

/// The answer of a linearizability check. A budget that runs out is `unknown`, never a pass.
public enum LinearizabilityVerdict: Hashable, Sendable, CustomStringConvertible {
    /// A valid order exists; `order` lists history indices in linearization order.
    case linearizable(order: [Int])
    /// No valid order exists.
    case notLinearizable(LinearizabilityViolation)
    /// The step budget ran out (or the caller cancelled) before an answer.
    case unknown(stepsUsed: Int)
    /// The history itself is malformed (an operation returned before it was called); nothing was checked.
    case malformedHistory(operation: Int)

    /// True only for a proven pass.
    public var isLinearizable: Bool {
        if case .linearizable = self { return true }
        return false
    }

    /// True only for a proven violation.
    public var isViolation: Bool {
        if case .notLinearizable = self { return true }
        return false
    }

    /// A one-paragraph summary.
    public var description: String {
        switch self {
        case .linearizable(let order): "linearizable (\(order.count) operations)"
        case .notLinearizable(let violation): "NOT linearizable\n" + violation.explanation
        case .unknown(let steps): "unknown: the budget ran out after \(steps) search steps (this is not a pass)"
        case .malformedHistory(let operation): "malformed history: operation #\(operation) returns before its call"
        }
    }
}
