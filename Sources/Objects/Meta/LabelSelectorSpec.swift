/// A label selector as objects carry it (`spec.selector` of a Deployment, affinity terms):
/// `matchLabels` and `matchExpressions`, ANDed. An empty selector matches everything.
public struct LabelSelectorSpec: Equatable, Sendable {
    public var matchLabels: [String: String]
    public var matchExpressions: [LabelSelectorRequirement]
    public var unknownFields: UnknownFields = UnknownFields()

    public init(matchLabels: [String: String] = [:], matchExpressions: [LabelSelectorRequirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// One set-based requirement of a ``LabelSelectorSpec``: `key` `operator` `values`.
public struct LabelSelectorRequirement: Equatable, Sendable {
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist` (kept as written; validation rejects others).
    public var `operator`: String
    public var values: [String]
    public var unknownFields: UnknownFields = UnknownFields()

    public init(key: String, operator op: String, values: [String] = []) {
        self.key = key
        self.operator = op
        self.values = values
    }
}
