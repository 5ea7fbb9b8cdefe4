/// A type with a hand-written codec over ``JSONPullReader`` and ``JSONWriter``: every API type
/// and every struct nested in one.
public protocol JSONObjectCodable: Equatable, Sendable {
    /// An empty value (every field at its zero value); also what `omitempty` compares against.
    init()
    /// Decodes the value under the reader's cursor (an object, or `null` for an empty value).
    init(from reader: inout JSONPullReader) throws(ObjectCodecError)
    /// Appends the value as a JSON object.
    func encode(to writer: inout JSONWriter)
}

extension JSONPullReader {
    /// A nested object, or nil for `null`.
    @inline(__always)
    public mutating func readOptional<T: JSONObjectCodable>(_ type: T.Type) throws(ObjectCodecError) -> T? {
        if try readNullIfPresent() { return nil }
        return try T(from: &self)
    }

    /// A list of nested objects; `null` is an empty list.
    @inline(__always)
    public mutating func readList<T: JSONObjectCodable>(_ type: T.Type) throws(ObjectCodecError) -> [T] {
        var items: [T] = []
        try readArray { (r, _) throws(ObjectCodecError) in items.append(try T(from: &r)) }
        return items
    }

    /// A list of strings; `null` is an empty list.
    public mutating func readStringList() throws(ObjectCodecError) -> [String] {
        var items: [String] = []
        try readArray { (r, _) throws(ObjectCodecError) in items.append(try r.readString()) }
        return items
    }

    /// A string-to-string map (labels, annotations, selectors, ConfigMap data).
    public mutating func readStringMap() throws(ObjectCodecError) -> [String: String] {
        var map: [String: String] = [:]
        try readObject { (r, key) throws(ObjectCodecError) in map[key.string] = try r.readString() }
        return map
    }

    /// A map of resource quantities (`cpu: 500m`, `memory: 128Mi`) kept as their text. JSON
    /// numbers are accepted (YAML's `cpu: 1`) and kept as written.
    public mutating func readQuantityMap() throws(ObjectCodecError) -> [String: String] {
        var map: [String: String] = [:]
        try readObject { (r, key) throws(ObjectCodecError) in
            map[key.string] = try r.readQuantity()
        }
        return map
    }

    /// One resource quantity as text: a string, or a JSON number as written; nil for `null`.
    public mutating func readQuantity() throws(ObjectCodecError) -> String? {
        switch try peek() {
        case .null: _ = try readNullIfPresent(); return nil
        case .number: return try readNumberText()
        case .string: return try readString()
        case let token: throw .wrongType(path: "", expected: "quantity string", found: token.name)
        }
    }

    /// An RFC 3339 timestamp (`metav1.Time` or `MicroTime`), or nil for `null`.
    public mutating func readTimestamp() throws(ObjectCodecError) -> Timestamp? {
        if let parsed = try readTimestampWithoutEscapes() { return parsed }
        guard let text = try readOptionalString() else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw .invalidValue(path: "", reason: "\"\(text)\" is not an RFC 3339 time")
        }
        return time
    }
}

extension JSONWriter {
    /// `"name":"text"`, left out when empty.
    @inline(__always)
    public mutating func member(_ name: StaticString, _ text: String) {
        guard !text.isEmpty else { return }
        key(name)
        value(text)
    }

    /// `"name":"text"`, always (Go fields without `omitempty`).
    public mutating func requiredMember(_ name: StaticString, _ text: String) {
        key(name)
        value(text)
    }

    /// `"name":"text"` when set (pointer fields: "" is written).
    public mutating func member(_ name: StaticString, _ text: String?) {
        guard let text else { return }
        key(name)
        value(text)
    }

    /// `"name":n`, left out when zero.
    public mutating func member<T: BinaryInteger>(_ name: StaticString, _ number: T) {
        guard number != 0 else { return }
        key(name)
        value(number)
    }

    /// `"name":n`, always.
    public mutating func requiredMember<T: BinaryInteger>(_ name: StaticString, _ number: T) {
        key(name)
        value(number)
    }

    /// `"name":n` when set (0 is written).
    public mutating func member<T: BinaryInteger>(_ name: StaticString, _ number: T?) {
        guard let number else { return }
        key(name)
        value(number)
    }

    /// `"name":true`, left out when false.
    public mutating func member(_ name: StaticString, _ flag: Bool) {
        guard flag else { return }
        key(name)
        value(flag)
    }

    /// `"name":b`, always.
    public mutating func requiredMember(_ name: StaticString, _ flag: Bool) {
        key(name)
        value(flag)
    }

    /// `"name":b` when set (false is written).
    public mutating func member(_ name: StaticString, _ flag: Bool?) {
        guard let flag else { return }
        key(name)
        value(flag)
    }

    /// `"name":["a",...]`, left out when empty.
    public mutating func member(_ name: StaticString, _ list: [String]) {
        guard !list.isEmpty else { return }
        key(name)
        beginArray()
        for item in list { value(item) }
        endArray()
    }

    /// `"name":{"k":"v",...}` with keys sorted (as Go writes maps), left out when empty.
    public mutating func member(_ name: StaticString, _ map: [String: String]) {
        guard !map.isEmpty else { return }
        key(name)
        stringMap(map)
    }

    /// `"name":{...}` for a map that is written even when empty (`matchLabels: {}` is rare; used
    /// where the field's presence matters).
    public mutating func stringMap(_ map: [String: String]) {
        beginObject()
        if map.count == 1, let only = map.first {
            key(only.key)
            value(only.value)
        } else {
            for entry in map.sorted(by: { $0.key < $1.key }) {
                key(entry.key)
                value(entry.value)
            }
        }
        endObject()
    }

    /// `"name":{...}`, always.
    @inline(__always)
    public mutating func requiredMember<T: JSONObjectCodable>(_ name: StaticString, _ object: T) {
        key(name)
        object.encode(to: &self)
    }

    /// `"name":{...}`, left out when the value is empty (equal to `T()`).
    @inline(__always)
    public mutating func member<T: JSONObjectCodable>(_ name: StaticString, _ object: T) {
        guard object != T() else { return }
        key(name)
        object.encode(to: &self)
    }

    /// `"name":{...}` when set.
    @inline(__always)
    public mutating func member<T: JSONObjectCodable>(_ name: StaticString, _ object: T?) {
        guard let object else { return }
        key(name)
        object.encode(to: &self)
    }

    /// `"name":[{...},...]`, left out when empty.
    @inline(__always)
    public mutating func member<T: JSONObjectCodable>(_ name: StaticString, _ list: [T]) {
        guard !list.isEmpty else { return }
        key(name)
        beginArray()
        for item in list { item.encode(to: &self) }
        endArray()
    }

    /// `"name":"2026-11-23T16:49:16Z"` when set (`metav1.Time`).
    public mutating func timeMember(_ name: StaticString, _ time: Timestamp?) {
        guard let time else { return }
        key(name)
        value(time, micro: false)
    }

    /// `"name":"2026-11-23T16:49:16.000000Z"` when set (`metav1.MicroTime`).
    public mutating func microTimeMember(_ name: StaticString, _ time: Timestamp?) {
        guard let time else { return }
        key(name)
        value(time, micro: true)
    }

    /// `"name":{"cpu":"500m",...}` (quantities as text), left out when empty.
    public mutating func quantityMember(_ name: StaticString, _ map: [String: String]) {
        member(name, map)
    }

    /// `"name":"500m"` when set.
    public mutating func quantityMember(_ name: StaticString, _ quantity: String?) {
        member(name, quantity)
    }
}
