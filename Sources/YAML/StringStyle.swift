import JSON

/// How ``YAMLWriter`` writes a string: plain when that reads back as the same string (in this
/// reader and in YAML 1.1 readers such as go-yaml v2 and PyYAML), a `|` literal block for
/// printable multi-line text, double-quoted otherwise.
enum StringStyle: Equatable {
    case plain, literal, doubleQuoted

    static func of(_ s: String) -> StringStyle {
        var hasBreak = false
        for scalar in s.unicodeScalars {
            if scalar == "\n" {
                hasBreak = true
            } else if !isPrintable(scalar) || scalar == "\t" || scalar == "\r" {
                return hasBreakAndLiteralSafe(s) ? .literal : .doubleQuoted
            }
        }
        if hasBreak { return hasBreakAndLiteralSafe(s) ? .literal : .doubleQuoted }
        return canBePlain(s) ? .plain : .doubleQuoted
    }

    /// Printable characters as YAML defines them, minus the line and paragraph separators and the
    /// byte order mark (which readers treat specially).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v >= 0x20 && v <= 0x7E { return true }
        if v < 0xA0 { return false }
        return v != 0x2028 && v != 0x2029 && v != 0xFEFF && !(0xD800...0xDFFF).contains(v) && v != 0xFFFE && v != 0xFFFF
    }

    /// Multi-line text that a literal block reproduces exactly: printable (tabs allowed), with
    /// some non-blank content.
    private static func hasBreakAndLiteralSafe(_ s: String) -> Bool {
        var sawText = false
        for scalar in s.unicodeScalars {
            if scalar == "\n" || scalar == "\t" { continue }
            if !isPrintable(scalar) { return false }
            if scalar != " " { sawText = true }
        }
        return sawText && s.unicodeScalars.contains("\n")
    }

    private static let indicators: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@`".utf8)
    private static let yaml11Words: Set<String> = ["y", "Y", "n", "N", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF",
                                                   "+.inf", ".nan", ".NaN", ".NAN", "<<", "="]
    private static let numericLooking: Set<UInt8> = Set("0123456789abcdefABCDEFxXoO_:.+-".utf8)

    /// Single-line text that no reader takes for another type or structure.
    private static func canBePlain(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard let first = b.first, let last = b.last else { return false }
        if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return false }
        if indicators.contains(first) {
            // `-x`, `?x` and `:x` are plain; `- x`, `-`, `---` are not.
            guard first == UInt8(ascii: "-") || first == UInt8(ascii: "?") || first == UInt8(ascii: ":"),
                  b.count > 1, b[1] != 0x20, !s.hasPrefix("---") else { return false }
        }
        if s.hasPrefix("...") { return false }
        if yaml11Words.contains(s) { return false }
        if ScalarResolver.resolvePlain(b) != .string(s) { return false }
        // 1_000, 1:20, 0b101, 1.2e3-like texts that YAML 1.1 readers turn into numbers.
        if let c = b.first, (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: "."),
           b.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
           b.allSatisfy({ numericLooking.contains($0) }) { return false }
        for i in 0..<(b.count - 1) {
            if b[i] == UInt8(ascii: ":") && b[i + 1] == 0x20 { return false }
            if b[i] == 0x20 && b[i + 1] == UInt8(ascii: "#") { return false }
        }
        return true
    }
}
