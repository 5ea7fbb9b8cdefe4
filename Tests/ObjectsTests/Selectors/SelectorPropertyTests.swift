import Testing
@testable import Objects

/// Seeded round trips: a selector's string form parses back to a selector that is equal and
/// selects exactly the same label (or field) sets.
@Suite("Selector round trips (seeded)")
struct SelectorPropertyTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let keys = ["app", "tier", "example.com/role", "in", "notin", "a.b_c-d", "Z9"]
    static let values = ["", "web", "db", "v1", "in", "3", "07", "x.y_z"]

    @Test("label selectors", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func labels(seed: UInt64) throws {
        var g = Generator(state: seed)
        for iteration in 0..<200 {
            var requirements: [LabelRequirement] = []
            for _ in 0..<g.below(4) {
                let key = g.pick(Self.keys)
                let op = g.pick(LabelSelectorOperator.allCases)
                var values: [String]
                switch op {
                case .exists, .doesNotExist: values = []
                case .in, .notIn: values = Array(Set((0..<(1 + g.below(3))).map { _ in g.pick(Self.values) })).sorted()
                case .greaterThan, .lessThan: values = [String(g.below(20))]  // "-1" is not a valid label value, in Kubernetes too
                default: values = [g.pick(Self.values)]
                }
                requirements.append(try LabelRequirement(key: key, operator: op, values: values))
            }
            let selector = LabelSelector(requirements)
            let parsed = try LabelSelector(parsing: selector.description)
            #expect(parsed == selector, "seed \(seed) iteration \(iteration): \(selector)")
            for _ in 0..<10 {
                var labels: [String: String] = [:]
                for _ in 0..<g.below(4) { labels[g.pick(Self.keys)] = g.pick(Self.values) }
                #expect(parsed.matches(labels) == selector.matches(labels), "seed \(seed) iteration \(iteration): \(selector) on \(labels)")
            }
        }
    }

    static let fieldValues = ["", "web-0", "a,b", "x=y", #"back\slash"#, "Running", "=,\\"]

    @Test("field selectors with escaped values", arguments: [1, 2, 3] as [UInt64])
    func fields(seed: UInt64) throws {
        var g = Generator(state: seed)
        let names = ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"]
        for iteration in 0..<200 {
            let terms = (0..<g.below(4)).map { _ in
                FieldSelector.Term(field: g.pick(names), value: g.pick(Self.fieldValues), negated: g.below(2) == 0)
            }
            let selector = FieldSelector(terms)
            let parsed = try FieldSelector(parsing: selector.description)
            #expect(parsed.terms.map(\.description).sorted() == terms.map(\.description).sorted(), "seed \(seed) iteration \(iteration)")
            for _ in 0..<10 {
                var fields: [String: String] = [:]
                for name in names where g.below(2) == 0 { fields[name] = g.pick(Self.fieldValues) }
                #expect(parsed.matches(fields) == selector.matches(fields), "seed \(seed) iteration \(iteration): \(selector) on \(fields)")
            }
        }
    }
}
