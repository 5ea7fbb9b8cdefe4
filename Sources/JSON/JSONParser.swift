/// Why bytes are not a JSON value. Messages follow Go's `encoding/json` wording where etcd's
/// gateway exposes it (`unexpected EOF`, `invalid character 'x' looking for beginning of value`).
public enum JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    case unexpectedEnd
    case invalidCharacter(UInt8, context: String, offset: Int)
    case tooDeep(offset: Int)
    case invalidString(offset: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd:
            return "unexpected EOF"
        case .invalidCharacter(let c, let context, _):
            return "invalid character \(Self.quote(c)) \(context)"
        case .tooDeep:
            return "exceeded max depth"
        case .invalidString:
            return "invalid string escape or UTF-8"
        }
    }

    static func quote(_ c: UInt8) -> String {
        switch c {
        case 0x0a: return "'\\n'"
        case 0x0d: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x27: return "'\\''"
        case 0x20..<0x7f: return "'\(Character(Unicode.Scalar(c)))'"
        default: return "'\\x\(String(c, radix: 16))'"
        }
    }
}

/// A strict JSON parser over bytes (RFC 8259), with a nesting limit so hostile input cannot
/// exhaust the stack. It can parse one value at a time from a stream of concatenated values.
public struct JSONParser {
    public static let maxDepth = 100

    /// Parses exactly one JSON value; only whitespace may follow it.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        var p = JSONParser(bytes)
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        if p.i < bytes.count { throw .invalidCharacter(bytes[p.i], context: "after top-level value", offset: p.i) }
        return v
    }

    /// The outcome of reading one value from the front of a stream.
    public enum StreamResult: Equatable {
        /// A value and the offset just past it.
        case value(JSONValue, end: Int)
        /// Only whitespace (or nothing) so far, or a value that is not yet complete: wait for more bytes.
        case needMore
    }

    /// Reads the next value from `bytes` starting at `offset`. A value cut off by the end of the
    /// buffer is `.needMore`; a malformed one throws.
    public static func next(in bytes: [UInt8], from offset: Int) throws(JSONError) -> StreamResult {
        var p = JSONParser(bytes)
        p.i = offset
        p.skipWhitespace()
        if p.i >= bytes.count { return .needMore }
        do {
            let v = try p.value(depth: 0)
            // A bare number at the end might continue in the next chunk.
            if case .number = v, p.i >= bytes.count { return .needMore }
            return .value(v, end: p.i)
        } catch .unexpectedEnd {
            return .needMore
        }
    }

    private let b: [UInt8]
    private var i = 0

    private init(_ bytes: [UInt8]) { b = bytes }

    private mutating func skipWhitespace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 }
    }

    private mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard depth < Self.maxDepth else { throw .tooDeep(offset: i) }
        skipWhitespace()
        guard i < b.count else { throw .unexpectedEnd }
        switch b[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw .invalidCharacter(b[i], context: "looking for beginning of value", offset: i)
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount {
            guard i < b.count else { throw .unexpectedEnd }
            guard b[i] == w[k] else { throw .invalidCharacter(b[i], context: "in literal \(word)", offset: i) }
            i += 1
        }
    }

    private mutating func number() throws(JSONError) -> String {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { throw .unexpectedEnd }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(b[i]) {
            while i < b.count, isDigit(b[i]) { i += 1 }
        } else {
            throw .invalidCharacter(b[i], context: "in numeric literal", offset: i)
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < b.count else { throw .unexpectedEnd }
            guard isDigit(b[i]) else { throw .invalidCharacter(b[i], context: "after decimal point in numeric literal", offset: i) }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count else { throw .unexpectedEnd }
            guard isDigit(b[i]) else { throw .invalidCharacter(b[i], context: "in exponent of numeric literal", offset: i) }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func string() throws(JSONError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let s = b[start..<i]
                i += 1
                guard let text = String(validating: s, as: UTF8.self) else { throw .invalidString(offset: start) }
                return text
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw .invalidCharacter(c, context: "in string literal", offset: i) }
            i += 1
        }
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw .invalidString(offset: start) }
                return text
            }
            if c < 0x20 { throw .invalidCharacter(c, context: "in string literal", offset: i) }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < b.count else { throw .unexpectedEnd }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5c)
            case UInt8(ascii: "/"): out.append(0x2f)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw .invalidCharacter(e, context: "in string escape code", offset: i - 1)
            }
        }
        throw .unexpectedEnd
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < b.count else { throw .unexpectedEnd }
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw .invalidCharacter(c, context: "in \\u hexadecimal character escape", offset: i)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        guard i < b.count else { throw .unexpectedEnd }
        if b[i] == UInt8(ascii: "]") {
            i += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard i < b.count else { throw .unexpectedEnd }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw .invalidCharacter(b[i], context: "after array element", offset: i)
        }
    }

    private mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        guard i < b.count else { throw .unexpectedEnd }
        if b[i] == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard i < b.count else { throw .unexpectedEnd }
            guard b[i] == UInt8(ascii: "\"") else {
                throw .invalidCharacter(b[i], context: "looking for beginning of object key string", offset: i)
            }
            let key = try string()
            skipWhitespace()
            guard i < b.count else { throw .unexpectedEnd }
            guard b[i] == UInt8(ascii: ":") else { throw .invalidCharacter(b[i], context: "after object key", offset: i) }
            i += 1
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard i < b.count else { throw .unexpectedEnd }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw .invalidCharacter(b[i], context: "after object key:value pair", offset: i)
        }
    }
}
