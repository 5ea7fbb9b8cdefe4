import JSON

/// Collects one mapping's members in order, rejects duplicate keys and applies merge keys (`<<`):
/// merged members come first (the first source that names a key wins), the mapping's own members
/// replace merged values in place or are appended.
struct MappingBuilder {
    private var members: [(key: String, value: JSONValue)] = []
    private var ownKeys: Set<String> = []
    private var merged: [(key: String, value: JSONValue)] = []
    private var mergedKeys: Set<String> = []

    /// Mappings up to this size check duplicates by scanning (cheaper than hashing); larger ones
    /// keep a set of their keys.
    private static let scanLimit = 12

    /// Adds an ordinary member; a key seen before in this mapping is an error.
    mutating func add(_ key: String, _ value: JSONValue, at mark: YAMLMark) throws(YAMLError) {
        if members.count < Self.scanLimit {
            if members.contains(where: { $0.key == key }) { throw .duplicateKey(key, at: mark) }
        } else {
            if ownKeys.isEmpty { ownKeys = Set(members.map(\.key)) }
            guard ownKeys.insert(key).inserted else { throw .duplicateKey(key, at: mark) }
        }
        members.append((key, value))
    }

    /// Adds the value of a `<<` key: a mapping, or a sequence of mappings.
    mutating func merge(_ value: JSONValue, at mark: YAMLMark) throws(YAMLError) {
        switch value {
        case .object(let source):
            mergeMembers(source)
        case .array(let items):
            for item in items {
                guard case .object(let source) = item else {
                    throw .unexpected(found: "a \(item.typeName)", expected: "mappings to merge after '<<'", at: mark)
                }
                mergeMembers(source)
            }
        default:
            throw .unexpected(found: "a \(value.typeName)", expected: "a mapping or a sequence of mappings after '<<'", at: mark)
        }
    }

    private mutating func mergeMembers(_ source: [(key: String, value: JSONValue)]) {
        for member in source where mergedKeys.insert(member.key).inserted {
            merged.append(member)
        }
    }

    /// The mapping as a JSON object.
    func build() -> JSONValue {
        if merged.isEmpty { return .object(members) }
        var result = merged
        var indexOfKey: [String: Int] = [:]
        for (i, m) in result.enumerated() { indexOfKey[m.key] = i }
        for m in members {
            if let i = indexOfKey[m.key] {
                result[i].value = m.value
            } else {
                result.append(m)
            }
        }
        return .object(result)
    }
}
