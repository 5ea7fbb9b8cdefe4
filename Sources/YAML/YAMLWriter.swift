import JSON

/// Writes JSON values as block-style YAML the way `kubectl get -o yaml` lays it out: two-space
/// indentation, sequences at their key's indentation (`- name: x`), strings quoted only when
/// they would otherwise read back as another type (`"8080"`) or could not be plain (`'a: b'`),
/// multi-line strings as `|` literal blocks. Members keep their order (kubectl sorts them; JSONValue keeps the order it
/// was given). ``YAMLReader`` reads the output back to the same value.
public enum YAMLWriter {
    /// One document (no `---`), ending with a line break.
    public static func write(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Several documents separated by `---` lines.
    public static func write(documents: [JSONValue]) -> String {
        documents.map { write($0) }.joined(separator: "---\n")
    }

    /// Appends one document to `out`.
    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .object(let members) where !members.isEmpty:
            writeMapping(members, indent: 0, firstInline: false, to: &out)
        case .array(let items) where !items.isEmpty:
            writeSequence(items, indent: 0, firstInline: false, to: &out)
        case .string(let s) where StringStyle.of(s) == .literal:
            writeLiteral(s, indent: 0, to: &out)
        default:
            writeInline(value, to: &out)
            out.append(0x0A)
        }
    }

    private static func spaces(_ n: Int, to out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0x20, count: n))
    }

    /// Members at `indent`; with `firstInline` the first member continues the current line (after `- `).
    private static func writeMapping(_ members: [(key: String, value: JSONValue)], indent: Int, firstInline: Bool, to out: inout [UInt8]) {
        for (index, member) in members.enumerated() {
            if index > 0 || !firstInline { spaces(indent, to: &out) }
            writeString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            writeNested(member.value, indent: indent, childIndent: indent + 2, sequenceIndent: indent, to: &out)
        }
    }

    /// Items at `indent`, each `- ...`; with `firstInline` the first `-` continues the current line.
    private static func writeSequence(_ items: [JSONValue], indent: Int, firstInline: Bool, to out: inout [UInt8]) {
        for (index, item) in items.enumerated() {
            if index > 0 || !firstInline { spaces(indent, to: &out) }
            out.append(UInt8(ascii: "-"))
            switch item {
            case .object(let members) where !members.isEmpty:
                out.append(0x20)
                writeMapping(members, indent: indent + 2, firstInline: true, to: &out)
            case .array(let inner) where !inner.isEmpty:
                out.append(0x20)
                writeSequence(inner, indent: indent + 2, firstInline: true, to: &out)
            default:
                writeNested(item, indent: indent, childIndent: indent + 2, sequenceIndent: indent + 2, to: &out)
            }
        }
    }

    /// The value after `key:` or `-`: nested collections on the next lines, scalars on this line.
    private static func writeNested(_ value: JSONValue, indent: Int, childIndent: Int, sequenceIndent: Int, to out: inout [UInt8]) {
        switch value {
        case .object(let members) where !members.isEmpty:
            out.append(0x0A)
            writeMapping(members, indent: childIndent, firstInline: false, to: &out)
        case .array(let items) where !items.isEmpty:
            out.append(0x0A)
            writeSequence(items, indent: sequenceIndent, firstInline: false, to: &out)
        case .string(let s) where StringStyle.of(s) == .literal:
            out.append(0x20)
            writeLiteral(s, indent: childIndent, to: &out)
        default:
            out.append(0x20)
            writeInline(value, to: &out)
            out.append(0x0A)
        }
    }

    private static func writeInline(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): writeString(s, to: &out)
        case .array: out.append(contentsOf: "[]".utf8)
        case .object: out.append(contentsOf: "{}".utf8)
        }
    }

    /// A `|` block: chomping `-` without a final line break, `+` with more than one; an
    /// indentation indicator when the first line starts with a space. Lines sit at `indent`.
    private static func writeLiteral(_ s: String, indent: Int, to out: inout [UInt8]) {
        var body = Array(s.utf8)
        var trailingBreaks = 0
        while body.last == 0x0A {
            body.removeLast()
            trailingBreaks += 1
        }
        let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false)
        out.append(UInt8(ascii: "|"))
        if let first = lines.first(where: { !$0.isEmpty }), first.first == 0x20 { out.append(UInt8(ascii: "2")) }
        if trailingBreaks == 0 { out.append(UInt8(ascii: "-")) } else if trailingBreaks > 1 { out.append(UInt8(ascii: "+")) }
        out.append(0x0A)
        let contentIndent = max(indent, 2)
        for line in lines {
            if !line.isEmpty {
                spaces(contentIndent, to: &out)
                out.append(contentsOf: line)
            }
            out.append(0x0A)
        }
        for _ in 1..<max(trailingBreaks, 1) { out.append(0x0A) }
    }

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        switch StringStyle.of(s) {
        case .plain:
            out.append(contentsOf: s.utf8)
        case .singleQuoted:
            out.append(UInt8(ascii: "'"))
            for byte in s.utf8 {
                if byte == UInt8(ascii: "'") { out.append(byte) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "'"))
        case .literal, .doubleQuoted:
            writeDoubleQuoted(s, to: &out)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `"..."` with `\" \\ \n \t \r` and `\xXX`/`\uXXXX` for other non-printable characters.
    static func writeDoubleQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: "\\\"".utf8)
            case "\\": out.append(contentsOf: "\\\\".utf8)
            case "\n": out.append(contentsOf: "\\n".utf8)
            case "\t": out.append(contentsOf: "\\t".utf8)
            case "\r": out.append(contentsOf: "\\r".utf8)
            default:
                if StringStyle.isPrintable(scalar) {
                    out.append(contentsOf: String(scalar).utf8)
                } else if scalar.value <= 0xFF {
                    out.append(contentsOf: "\\x".utf8)
                    out.append(hexDigits[Int(scalar.value >> 4)])
                    out.append(hexDigits[Int(scalar.value & 0xF)])
                } else {
                    out.append(contentsOf: "\\u".utf8)
                    for shift in stride(from: 12, through: 0, by: -4) {
                        out.append(hexDigits[Int((scalar.value >> UInt32(shift)) & 0xF)])
                    }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
