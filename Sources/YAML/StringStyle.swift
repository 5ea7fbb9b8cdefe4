import JSON

/// How ``YAMLWriter`` writes a string, choosing as go-yaml v2 (kubectl) does: plain when that reads
/// back as the same string (in this reader and in YAML 1.1 readers such as go-yaml v2 and PyYAML);
/// double-quoted when the plain text would read as another type (`"8080"`, `"true"`, `""`) or holds
/// characters that need escapes; single-quoted when only the YAML syntax forbids plain (`'a: b'`,
/// `'- x'`, `' lead'`); a `|` literal block for printable multi-line text.
enum StringStyle: Equatable {
    case plain, literal, singleQuoted, doubleQuoted

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
        return singleLineStyle(s)
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

    /// The style of printable single-line text (no tabs or breaks).
    private static func singleLineStyle(_ s: String) -> StringStyle {
        let b = Array(s.utf8)
        guard let first = b.first, let last = b.last else { return .doubleQuoted }
        // Text that some reader would take for another type: double quotes, as go-yaml does.
        if (b.count <= 6 && yaml11Words.contains(s)) || !ScalarResolver.readsAsString(b) { return .doubleQuoted }
        // 1_000, 1:20, 0b101, 1.2.3-like texts that YAML 1.1 readers may turn into numbers.
        if (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "."),
           b.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
           b.allSatisfy({ numericLooking.contains($0) }) { return .doubleQuoted }
        // Text the YAML syntax does not allow plain: single quotes.
        if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return .singleQuoted }
        if indicators.contains(first) {
            // `-x`, `?x` and `:x` are plain; `- x`, `-`, `---` are not.
            guard first == UInt8(ascii: "-") || first == UInt8(ascii: "?") || first == UInt8(ascii: ":"),
                  b.count > 1, b[1] != 0x20, !s.hasPrefix("---") else { return .singleQuoted }
        }
        if s.hasPrefix("...") { return .singleQuoted }
        for i in 0..<(b.count - 1) {
            if b[i] == UInt8(ascii: ":") && b[i + 1] == 0x20 { return .singleQuoted }
            if b[i] == 0x20 && b[i + 1] == UInt8(ascii: "#") { return .singleQuoted }
        }
        return .plain
    }
}
