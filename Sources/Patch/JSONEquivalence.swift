import JSON

/// JSON equality as RFC 6902's `test` defines it: objects equal as unordered sets of members,
/// arrays element by element, numbers by numeric value (`1`, `1.0` and `1e0` are equal).
public enum JSONEquivalence {
    /// Whether `a` and `b` are the same JSON value in RFC 6902's sense.
    public static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return numbersEqual(x, y)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            let xs = lastWins(x), ys = lastWins(y)
            guard xs.count == ys.count else { return false }
            for (key, value) in xs {
                guard let other = ys[key], equal(value, other) else { return false }
            }
            return true
        default: return false
        }
    }

    /// Numbers written differently but of equal value compare equal. Integers compare exactly
    /// (so 64-bit values beyond Double's precision are not conflated); others as Double.
    static func numbersEqual(_ x: String, _ y: String) -> Bool {
        if x == y { return true }
        if let i = Int64(x), let j = Int64(y) { return i == j }
        if let i = Double(x), let j = Double(y) { return i == j }
        return false
    }

    /// About how many bytes `value` takes as compact JSON (quotes and separators counted,
    /// escapes not); stops counting once past `limit`.
    static func approximateSize(_ value: JSONValue, limit: Int) -> Int {
        switch value {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .number(let text): return text.utf8.count
        case .string(let s): return s.utf8.count + 2
        case .array(let items):
            var total = 2
            for item in items {
                total += approximateSize(item, limit: limit - total) + 1
                if total > limit { return total }
            }
            return total
        case .object(let members):
            var total = 2
            for member in members {
                total += member.key.utf8.count + 4 + approximateSize(member.value, limit: limit - total)
                if total > limit { return total }
            }
            return total
        }
    }

    private static func lastWins(_ members: [(key: String, value: JSONValue)]) -> [String: JSONValue] {
        var map: [String: JSONValue] = [:]
        for member in members { map[member.key] = member.value }
        return map
    }
}
