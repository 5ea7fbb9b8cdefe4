extension YAMLReader {
    // MARK: Plain scalars

    /// Scans a plain scalar to the end of its line: it stops at a line break, at `: ` (or `:` at
    /// the end of the line), at ` #`, and in flow context also at `,[]{}` and `:` before them.
    /// Returns the text without trailing spaces and whether a comment follows.
    mutating func scanPlainLine(flow: Bool) -> (text: [UInt8], endedByComment: Bool) {
        let start = i
        var end = i
        while i < bytes.count {
            let c = bytes[i]
            if Self.isBreak(c) { break }
            if c == UInt8(ascii: ":") {
                let n = byte(i + 1)
                if Self.isBlank(n) || (flow && Self.isFlowIndicator(n)) { break }
            }
            if flow && Self.isFlowIndicator(c) { break }
            if Self.isSpace(c) {
                if byte(i + 1) == UInt8(ascii: "#") { break }
                i += 1
                continue
            }
            i += 1
            end = i
        }
        i = end
        var j = end
        while Self.isSpace(byte(j)) { j += 1 }
        return (Array(bytes[start..<end]), j > end && byte(j) == UInt8(ascii: "#"))
    }

    /// Continues a plain scalar on the following lines while they are more indented than
    /// `parentIndent` (block context) and could hold plain text, folding the line breaks: one
    /// break becomes a space, each further (empty) line a `\n`.
    mutating func continuePlain(_ text: inout [UInt8], parentIndent: Int, flow: Bool) throws(YAMLError) {
        while true {
            let saved = (i, line, lineStart)
            skipSpaces()
            guard Self.isBreak(current) else {
                (i, line, lineStart) = saved
                return
            }
            var breaks = 0
            var stop = false
            while Self.isBreak(current) {
                consumeBreak()
                breaks += 1
                while current == 0x20 { i += 1 }
                if current == 0x09 {
                    skipSpaces()
                    if !Self.isBreak(current) && !flow { stop = true }
                }
            }
            let c = current
            let n = byte(i + 1)
            if stop || atEnd || c == UInt8(ascii: "#") || isDocumentMarker(at: i) || (!flow && column <= parentIndent)
                || (flow && (Self.isFlowIndicator(c) || (c == UInt8(ascii: ":") && (Self.isBlank(n) || Self.isFlowIndicator(n))))) {
                (i, line, lineStart) = saved
                return
            }
            if breaks == 1 {
                text.append(0x20)
            } else {
                text.append(contentsOf: repeatElement(0x0A, count: breaks - 1))
            }
            let (more, endedByComment) = scanPlainLine(flow: flow)
            text.append(contentsOf: more)
            if !flow, current == UInt8(ascii: ":") { throw mappingNotAllowed() }
            if endedByComment { return }
        }
    }

    // MARK: Quoted scalars

    /// After a line break inside a quoted scalar: skips the next lines' leading white space and
    /// folds: no empty line gives a space (none after an escaped break), each empty line a `\n`.
    mutating func foldQuotedBreaks(_ out: inout [UInt8], escaped: Bool, quote: String, start: YAMLMark) throws(YAMLError) {
        var breaks = 0
        while true {
            if isDocumentMarker(at: i) || atEnd { throw .unterminatedScalar(quote: quote, startedAt: start) }
            skipSpaces()
            guard Self.isBreak(current) else { break }
            consumeBreak()
            breaks += 1
        }
        if breaks == 0 {
            if !escaped { out.append(0x20) }
        } else {
            out.append(contentsOf: repeatElement(0x0A, count: breaks))
        }
    }

    /// Reads a single-quoted scalar (`''` is a quote; line breaks fold).
    mutating func parseSingleQuoted() throws(YAMLError) -> [UInt8] {
        let start = mark
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw .unterminatedScalar(quote: "'", startedAt: start) }
            let c = bytes[i]
            if c == UInt8(ascii: "'") {
                if byte(i + 1) == UInt8(ascii: "'") {
                    out.append(c)
                    i += 2
                    continue
                }
                i += 1
                return out
            }
            if Self.isSpace(c) || Self.isBreak(c) {
                let runStart = i
                skipSpaces()
                if Self.isBreak(current) {
                    consumeBreak()
                    try foldQuotedBreaks(&out, escaped: false, quote: "'", start: start)
                } else {
                    out.append(contentsOf: bytes[runStart..<i])
                }
                continue
            }
            out.append(c)
            i += 1
        }
    }

    /// Reads a double-quoted scalar with YAML's escapes (`\n \t \" \\ \xXX \uXXXX \UXXXXXXXX`,
    /// `\` before a line break joins the lines) and line folding.
    mutating func parseDoubleQuoted() throws(YAMLError) -> [UInt8] {
        let start = mark
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw .unterminatedScalar(quote: "\"", startedAt: start) }
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                return out
            case UInt8(ascii: "\\"):
                let escapeMark = mark
                let e = byte(i + 1)
                if Self.isBreak(e) {
                    i += 1
                    consumeBreak()
                    try foldQuotedBreaks(&out, escaped: true, quote: "\"", start: start)
                    continue
                }
                i += 2
                if let simple = Self.simpleEscape(e) {
                    out.append(contentsOf: simple)
                    continue
                }
                let digits: Int
                switch e {
                case UInt8(ascii: "x"): digits = 2
                case UInt8(ascii: "u"): digits = 4
                case UInt8(ascii: "U"): digits = 8
                default:
                    throw .invalidEscape("\\" + (atEnd && e == 0 ? "" : String(decoding: [e], as: UTF8.self)), at: escapeMark)
                }
                var value = try readHex(digits, escapeMark: escapeMark)
                if digits == 4, (0xD800...0xDBFF).contains(value) {
                    // A UTF-16 surrogate pair written as two escapes, as JSON writes them.
                    guard byte(i) == UInt8(ascii: "\\"), byte(i + 1) == UInt8(ascii: "u") else {
                        throw .invalidEscape("\\u" + String(value, radix: 16), at: escapeMark)
                    }
                    i += 2
                    let low = try readHex(4, escapeMark: escapeMark)
                    guard (0xDC00...0xDFFF).contains(low) else { throw .invalidEscape("\\u" + String(low, radix: 16), at: escapeMark) }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw .invalidEscape("\\" + String(value, radix: 16), at: escapeMark) }
                Unicode.UTF8.encode(scalar) { out.append($0) }
            case 0x20, 0x09, 0x0A, 0x0D:
                let runStart = i
                skipSpaces()
                if Self.isBreak(current) {
                    consumeBreak()
                    try foldQuotedBreaks(&out, escaped: false, quote: "\"", start: start)
                } else {
                    out.append(contentsOf: bytes[runStart..<i])
                }
            default:
                out.append(c)
                i += 1
            }
        }
    }

    private mutating func readHex(_ count: Int, escapeMark: YAMLMark) throws(YAMLError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            let c = current
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw .invalidEscape("with a non-hex digit \(found(at: i))", at: escapeMark)
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    private static func simpleEscape(_ e: UInt8) -> [UInt8]? {
        switch e {
        case UInt8(ascii: "0"): return [0x00]
        case UInt8(ascii: "a"): return [0x07]
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "t"), 0x09: return [0x09]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "v"): return [0x0B]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "e"): return [0x1B]
        case UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"): return [e]
        case UInt8(ascii: "N"): return [0xC2, 0x85]
        case UInt8(ascii: "_"): return [0xC2, 0xA0]
        case UInt8(ascii: "L"): return [0xE2, 0x80, 0xA8]
        case UInt8(ascii: "P"): return [0xE2, 0x80, 0xA9]
        default: return nil
        }
    }
}
