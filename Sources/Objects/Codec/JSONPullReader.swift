import JSON

/// The JSON type of the next value under a ``JSONPullReader``'s cursor.
public enum JSONToken: Equatable, Sendable {
    case objectStart, arrayStart, string, number, bool, null

    /// The name used in `wrongType` errors.
    var name: String {
        switch self {
        case .objectStart: return "object"
        case .arrayStart: return "array"
        case .string: return "string"
        case .number: return "number"
        case .bool: return "bool"
        case .null: return "null"
        }
    }
}

/// A cursor over JSON bytes that decodes one value at a time without building a tree: typed reads
/// of strings, integers and booleans, iteration over object members and array elements, skipping,
/// and capture of a value as ``JSONValue`` (for members a type does not model).
///
/// Like Go's `encoding/json`, a `null` read as a non-optional scalar leaves the zero value, and a
/// `null` object or array has no members. Errors thrown inside `readObject`/`readArray` bodies are
/// prefixed with the member name or index as they unwind, so they name the field's full path at
/// no cost on the success path. Nesting is limited to ``JSONParser/maxDepth``.
public struct JSONPullReader {
    @usableFromInline let bytes: [UInt8]
    /// The offset of the next unread byte.
    public internal(set) var offset: Int = 0
    private var depth = 0

    /// A reader positioned at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Low level

    @inline(__always)
    private mutating func skipWhitespace() {
        while offset < bytes.count {
            let c = bytes[offset]
            guard c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 else { return }
            offset += 1
        }
    }

    func unexpected(_ context: String) -> ObjectCodecError {
        if offset >= bytes.count { return .malformed(.unexpectedEnd) }
        return .malformed(.invalidCharacter(bytes[offset], context: context, offset: offset))
    }

    /// The type of the next value (skipping whitespace); throws on end of input or a byte that
    /// cannot start a value.
    public mutating func peek() throws(ObjectCodecError) -> JSONToken {
        skipWhitespace()
        guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return .objectStart
        case UInt8(ascii: "["): return .arrayStart
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw unexpected("looking for beginning of value")
        }
    }

    /// Consumes a `null` if one is next; returns whether it did.
    public mutating func readNullIfPresent() throws(ObjectCodecError) -> Bool {
        guard try peek() == .null else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws(ObjectCodecError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for k in 0..<count {
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            guard bytes[offset] == start[k] else { throw unexpected("in literal \(word)") }
            offset += 1
        }
    }

    private func wrongType(_ expected: String, _ found: JSONToken) -> ObjectCodecError {
        .wrongType(path: "", expected: expected, found: found.name)
    }

    /// After the top-level value: only whitespace may remain.
    public mutating func expectEnd() throws(ObjectCodecError) {
        skipWhitespace()
        if offset < bytes.count { throw unexpected("after top-level value") }
    }

    // MARK: Scalars

    /// A string; `null` reads as "".
    public mutating func readString() throws(ObjectCodecError) -> String {
        try readOptionalString() ?? ""
    }

    /// A string, or nil for `null`.
    public mutating func readOptionalString() throws(ObjectCodecError) -> String? {
        let token = try peek()
        if token == .null { try literal("null"); return nil }
        guard token == .string else { throw wrongType("string", token) }
        return try scanString()
    }

    /// A boolean; `null` reads as false.
    public mutating func readBool() throws(ObjectCodecError) -> Bool {
        try readOptionalBool() ?? false
    }

    /// A boolean, or nil for `null`.
    public mutating func readOptionalBool() throws(ObjectCodecError) -> Bool? {
        let token = try peek()
        switch token {
        case .null: try literal("null"); return nil
        case .bool:
            if bytes[offset] == UInt8(ascii: "t") { try literal("true"); return true }
            try literal("false")
            return false
        default: throw wrongType("boolean", token)
        }
    }

    /// An int32; `null` reads as 0. Floats and out-of-range numbers are `invalidValue`.
    public mutating func readInt32() throws(ObjectCodecError) -> Int32 {
        try readOptionalInt32() ?? 0
    }

    /// An int32, or nil for `null`.
    public mutating func readOptionalInt32() throws(ObjectCodecError) -> Int32? {
        guard let wide = try readInteger(bits: "int32") else { return nil }
        guard let narrow = Int32(exactly: wide) else {
            throw .invalidValue(path: "", reason: "value \(wide) out of range for int32")
        }
        return narrow
    }

    /// An int64; `null` reads as 0.
    public mutating func readInt64() throws(ObjectCodecError) -> Int64 {
        try readOptionalInt64() ?? 0
    }

    /// An int64, or nil for `null`.
    public mutating func readOptionalInt64() throws(ObjectCodecError) -> Int64? {
        try readInteger(bits: "int64")
    }

    private mutating func readInteger(bits: String) throws(ObjectCodecError) -> Int64? {
        let token = try peek()
        if token == .null { try literal("null"); return nil }
        guard token == .number else { throw wrongType("integer", token) }
        let start = offset
        let text = try scanNumber()
        var negative = false
        var k = start
        if bytes[k] == UInt8(ascii: "-") { negative = true; k += 1 }
        var magnitude: UInt64 = 0
        var overflow = false
        while k < offset {
            let c = bytes[k]
            guard c >= 0x30, c <= 0x39 else {
                throw .invalidValue(path: "", reason: "cannot use number \(text) as \(bits): not an integer")
            }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(c - 0x30))
            overflow = overflow || o1 || o2
            magnitude = m2
            k += 1
        }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard !overflow, magnitude <= limit else {
            throw .invalidValue(path: "", reason: "value \(text) out of range for \(bits)")
        }
        if negative { return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude) }
        return Int64(magnitude)
    }

    /// A number's text as written (validated against the JSON grammar).
    public mutating func readNumberText() throws(ObjectCodecError) -> String {
        let token = try peek()
        guard token == .number else { throw wrongType("number", token) }
        return try scanNumber()
    }

    /// Parses a timestamp string straight from the bytes when it has no escapes (always, in
    /// practice); returns nil without moving when it has (or is not a string).
    mutating func readTimestampWithoutEscapes() throws(ObjectCodecError) -> Timestamp? {
        guard try peek() == .string else { return nil }
        var end = offset + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        let start = offset + 1
        let parsed = bytes[start..<end].withUnsafeBufferPointer { Timestamp.parseRFC3339($0) }
        guard let parsed else {
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            throw .invalidValue(path: "", reason: "\"\(text)\" is not an RFC 3339 time")
        }
        offset = end + 1
        return parsed
    }

    // MARK: Containers

    /// Iterates the members of an object, calling `body` with each key; `body` must consume the
    /// value (read or skip it). `null` has no members. Errors from `body` get the key prefixed.
    @inline(__always)
    public mutating func readObject(
        _ body: (inout JSONPullReader, JSONKey) throws(ObjectCodecError) -> Void
    ) throws(ObjectCodecError) {
        let token = try peek()
        if token == .null { try literal("null"); return }
        guard token == .objectStart else { throw wrongType("object", token) }
        try enter()
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            guard bytes[offset] == UInt8(ascii: "\"") else { throw unexpected("looking for beginning of object key string") }
            let key = try scanKey()
            skipWhitespace()
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            guard bytes[offset] == UInt8(ascii: ":") else { throw unexpected("after object key") }
            offset += 1
            do {
                try body(&self, key)
            } catch {
                throw error.prefixed(member: key.string)
            }
            skipWhitespace()
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "}") { offset += 1; depth -= 1; return }
            throw unexpected("after object key:value pair")
        }
    }

    /// Iterates the elements of an array, calling `body` with each index; `body` must consume the
    /// element. `null` has no elements. Errors from `body` get `[index]` prefixed.
    @inline(__always)
    public mutating func readArray(
        _ body: (inout JSONPullReader, Int) throws(ObjectCodecError) -> Void
    ) throws(ObjectCodecError) {
        let token = try peek()
        if token == .null { try literal("null"); return }
        guard token == .arrayStart else { throw wrongType("array", token) }
        try enter()
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return
        }
        var index = 0
        while true {
            do {
                try body(&self, index)
            } catch {
                throw error.prefixed(index: index)
            }
            index += 1
            skipWhitespace()
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "]") { offset += 1; depth -= 1; return }
            throw unexpected("after array element")
        }
    }

    private mutating func enter() throws(ObjectCodecError) {
        depth += 1
        if depth > JSONParser.maxDepth { throw .malformed(.tooDeep(offset: offset)) }
    }

    /// Consumes the next value, whatever it is (validating it).
    public mutating func skipValue() throws(ObjectCodecError) {
        _ = try readValue()
    }

    /// Reads the next value as a ``JSONValue`` tree (for members a type does not model).
    public mutating func readValue() throws(ObjectCodecError) -> JSONValue {
        switch try peek() {
        case .null: try literal("null"); return .null
        case .bool: return .bool(try readBool())
        case .number: return .number(try scanNumber())
        case .string: return .string(try scanString())
        case .arrayStart:
            var items: [JSONValue] = []
            try readArray { (r, _) throws(ObjectCodecError) in items.append(try r.readValue()) }
            return .array(items)
        case .objectStart:
            var members: [(key: String, value: JSONValue)] = []
            try readObject { (r, key) throws(ObjectCodecError) in members.append((key.string, try r.readValue())) }
            return .object(members)
        }
    }
}

