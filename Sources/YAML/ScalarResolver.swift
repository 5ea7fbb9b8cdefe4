import JSON

/// How untagged plain scalars become JSON values: the YAML 1.2 core schema with the YAML 1.1
/// spellings Kubernetes' reader (go-yaml v2 under sigs.k8s.io/yaml) and PyYAML also accept.
///
/// - null: empty, `~`, `null`, `Null`, `NULL`.
/// - bool: `true`/`false` in three casings, and YAML 1.1's `yes`/`no`/`on`/`off` (same casings).
///   `y`/`n` stay strings (PyYAML's choice; go-yaml v2 reads them as booleans).
/// - int: decimal, `0x` hex, `0o` octal and YAML 1.1 octal with a leading zero (`0644` is 420,
///   as file modes in Kubernetes manifests expect); an optional sign.
/// - float: `1.5`, `.5`, `1.`, `1e3`, `-2.5E-3` (an exponent without a dot counts, as in 1.2).
/// - everything else is a string: `.inf`/`.nan` (JSON has no such numbers), `1_000`, `1:20`,
///   dates, `08` (neither octal nor decimal without the leading zero).
/// Numbers become `JSONValue.number` with JSON-valid text (`+1` → `1`, `.5` → `0.5`, `0x1F` → `31`).
enum ScalarResolver {
    /// The value of an untagged plain scalar.
    static func resolvePlain(_ text: [UInt8]) -> JSONValue {
        if text.isEmpty { return .null }
        switch text[0] {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if isNull(text) { return .null }
        default: break
        }
        if let b = bool(text) { return .bool(b) }
        let c = text[0]
        if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: "."),
           let n = number(text) {
            return .number(n)
        }
        return .string(String(decoding: text, as: UTF8.self))
    }

    /// Whether an untagged plain scalar with this text reads as a string (without building it).
    static func readsAsString(_ text: [UInt8]) -> Bool {
        guard let c = text.first else { return false }
        if isNull(text) || bool(text) != nil { return false }
        if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: "."),
           number(text) != nil {
            return false
        }
        return true
    }

    private static let nullWords: [[UInt8]] = ["~", "null", "Null", "NULL"].map { Array($0.utf8) }

    static func isNull(_ t: [UInt8]) -> Bool {
        nullWords.contains(t)
    }

    private static let trueWords: [[UInt8]] = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"].map { Array($0.utf8) }
    private static let falseWords: [[UInt8]] = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"].map { Array($0.utf8) }

    /// The boolean a plain scalar spells, or nil.
    static func bool(_ t: [UInt8]) -> Bool? {
        guard t.count >= 2, t.count <= 5 else { return nil }
        switch t[0] | 0x20 {  // lower-cased first letter
        case UInt8(ascii: "t"), UInt8(ascii: "y"): return trueWords.contains(t) ? true : nil
        case UInt8(ascii: "f"), UInt8(ascii: "n"): return falseWords.contains(t) ? false : nil
        case UInt8(ascii: "o"): return trueWords.contains(t) ? true : falseWords.contains(t) ? false : nil
        default: return nil
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// The JSON number text of an integer or float scalar, or nil if the text is not a number.
    static func number(_ t: [UInt8]) -> String? {
        var i = 0
        var negative = false
        if t[0] == UInt8(ascii: "-") || t[0] == UInt8(ascii: "+") {
            negative = t[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < t.count else { return nil }
        let body = Array(t[i...])
        // Radix-prefixed integers.
        if body.count > 2, body[0] == UInt8(ascii: "0") {
            if body[1] == UInt8(ascii: "x") { return radixInteger(body[2...], radix: 16, negative: negative) }
            if body[1] == UInt8(ascii: "o") { return radixInteger(body[2...], radix: 8, negative: negative) }
        }
        if body.allSatisfy(isDigit) {
            if body.count > 1, body[0] == UInt8(ascii: "0") {
                // YAML 1.1 octal (0644); digits 8 or 9 make it a string, as PyYAML reads it.
                return radixInteger(body[1...], radix: 8, negative: negative)
            }
            return (negative ? "-" : "") + String(decoding: body, as: UTF8.self)
        }
        return float(body, negative: negative)
    }

    private static func radixInteger(_ digits: ArraySlice<UInt8>, radix: Int, negative: Bool) -> String? {
        guard !digits.isEmpty, let magnitude = UInt64(String(decoding: digits, as: UTF8.self), radix: radix) else { return nil }
        if magnitude == 0 { return "0" }
        return (negative ? "-" : "") + String(magnitude)
    }

    /// `(\.[0-9]+ | [0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` with a dot or an exponent, as JSON text.
    private static func float(_ b: [UInt8], negative: Bool) -> String? {
        var i = 0
        let intStart = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        let intDigits = b[intStart..<i]
        var fracDigits: ArraySlice<UInt8> = []
        var sawDot = false
        if i < b.count, b[i] == UInt8(ascii: ".") {
            sawDot = true
            i += 1
            let fracStart = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            fracDigits = b[fracStart..<i]
        }
        if intDigits.isEmpty && fracDigits.isEmpty { return nil }
        var exponent: ArraySlice<UInt8> = []
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            let expStart = i
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            let digitsStart = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            if i == digitsStart { return nil }
            exponent = b[expStart..<i]
        }
        guard i == b.count, sawDot || !exponent.isEmpty else { return nil }
        var out = negative ? "-" : ""
        var intPart = intDigits.drop(while: { $0 == UInt8(ascii: "0") })
        if intPart.isEmpty { intPart = [UInt8(ascii: "0")] }
        out += String(decoding: intPart, as: UTF8.self)
        if sawDot { out += "." + (fracDigits.isEmpty ? "0" : String(decoding: fracDigits, as: UTF8.self)) }
        out += String(decoding: exponent, as: UTF8.self)
        return out
    }

    /// The tags the reader honours; other tags are ignored (the scalar resolves as if untagged,
    /// except the non-specific `!`, which makes it a string).
    enum Tag: Equatable {
        case string, integer, float, boolean, null, other
        case nonSpecific

        init(_ text: String) {
            switch text {
            case "!!str", "tag:yaml.org,2002:str", "!!binary", "tag:yaml.org,2002:binary",
                 "!!timestamp", "tag:yaml.org,2002:timestamp": self = .string
            case "!!int", "tag:yaml.org,2002:int": self = .integer
            case "!!float", "tag:yaml.org,2002:float": self = .float
            case "!!bool", "tag:yaml.org,2002:bool": self = .boolean
            case "!!null", "tag:yaml.org,2002:null": self = .null
            case "!": self = .nonSpecific
            default: self = .other
            }
        }
    }

    /// The value of a scalar given its text, whether it was plain, and its tag (nil if untagged).
    static func resolve(_ text: [UInt8], plain: Bool, tag: String?, at mark: YAMLMark) throws(YAMLError) -> JSONValue {
        guard let tag else {
            return plain ? resolvePlain(text) : .string(String(decoding: text, as: UTF8.self))
        }
        let string = String(decoding: text, as: UTF8.self)
        switch Tag(tag) {
        case .string, .nonSpecific: return .string(string)
        case .other: return plain ? resolvePlain(text) : .string(string)
        case .null:
            if text.isEmpty || isNull(text) { return .null }
        case .boolean:
            if let b = bool(text) { return .bool(b) }
        case .integer:
            if !text.isEmpty, let n = number(text), !n.contains("."), !n.contains("e"), !n.contains("E") { return .number(n) }
        case .float:
            if !text.isEmpty, let n = number(text) { return .number(n) }
        }
        throw .invalidTaggedValue(tag: tag, value: string, at: mark)
    }
}
