/// A label selector: requirements that must all hold (`app=web,tier!=db,env in (prod)`), or the
/// selector that matches nothing. Requirements are kept sorted by key, as Kubernetes keeps them,
/// so the string form is canonical.
public struct LabelSelector: Hashable, Sendable, CustomStringConvertible {
    /// The requirements, sorted by key (ties keep their order).
    public private(set) var requirements: [LabelRequirement]
    /// True only for ``nothing``.
    public private(set) var matchesNothing: Bool

    /// A selector of these requirements (sorted by key).
    public init(_ requirements: [LabelRequirement]) {
        self.requirements = Self.sortedByKey(requirements)
        self.matchesNothing = false
    }

    /// The selector that matches every object (the empty string).
    public static let everything = LabelSelector([])

    /// The selector that matches no object (a nil selector in Kubernetes).
    public static let nothing: LabelSelector = {
        var s = LabelSelector([])
        s.matchesNothing = true
        return s
    }()

    /// A selector requiring each label of `set` to equal its value, without validation (for
    /// selectors taken from objects already validated, such as a Service's `spec.selector`).
    public init(equalTo set: [String: String]) {
        var requirements: [LabelRequirement] = []
        for key in set.keys.sorted() {
            requirements.append(LabelRequirement(unchecked: key, .equals, [set[key] ?? ""]))
        }
        self.init(requirements)
    }

    static func sortedByKey(_ requirements: [LabelRequirement]) -> [LabelRequirement] {
        requirements.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }.map(\.element)
    }

    /// Whether the selector matches everything (no requirements).
    public var isEverything: Bool { requirements.isEmpty && !matchesNothing }

    /// Whether an object with these labels is selected.
    public func matches(_ labels: [String: String]) -> Bool {
        if matchesNothing { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// The selector with one more requirement (kept sorted by key).
    public func adding(_ requirement: LabelRequirement) -> LabelSelector {
        var copy = self
        copy.requirements = Self.sortedByKey(requirements + [requirement])
        return copy
    }

    /// The canonical string form: requirements joined by `,`, sorted by key (empty for
    /// ``everything`` and ``nothing``, as in Kubernetes).
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }
}

extension LabelRequirement {
    /// A requirement built from already-validated parts.
    init(unchecked key: String, _ op: LabelSelectorOperator, _ values: [String]) {
        self.key = key
        self.operator = op
        self.values = values
    }
}
