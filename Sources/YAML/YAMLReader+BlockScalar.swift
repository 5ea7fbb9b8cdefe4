extension YAMLReader {
    /// How a block scalar treats its final line breaks: `-` strips them, `+` keeps them all, and
    /// by default (clip) one is kept.
    enum Chomping { case strip, clip, keep }

    /// Reads a literal (`|`) or folded (`>`) block scalar with its optional chomping (`-`, `+`) and
    /// indentation (`1`-`9`) indicators. Content lines are those indented more than `parentIndent`
    /// (at least the detected or given indentation). Ends at the start of the first line that is
    /// less indented, with `i` past that line's spaces.
    mutating func parseBlockScalar(parentIndent: Int) throws(YAMLError) -> [UInt8] {
        let folded = current == UInt8(ascii: ">")
        i += 1
        var chomping = Chomping.clip
        var increment: Int?
        for _ in 0..<2 {
            let c = current
            if c == UInt8(ascii: "-") || c == UInt8(ascii: "+"), chomping == .clip {
                chomping = c == UInt8(ascii: "-") ? .strip : .keep
                i += 1
            } else if c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9"), increment == nil {
                increment = Int(c - UInt8(ascii: "0"))
                i += 1
            }
        }
        let headerEnd = i
        skipSpaces()
        if current == UInt8(ascii: "#"), i > headerEnd { skipToEndOfLine() }
        guard atEnd || Self.isBreak(current) else {
            throw .unexpected(found: found(at: i), expected: "a chomping or indentation indicator, a comment or a line break after the block scalar header", at: mark)
        }
        if atEnd { return [] }
        consumeBreak()

        let minIndent = max(parentIndent + 1, 1)
        var indent: Int
        var breaks = 0
        if let increment {
            indent = minIndent + increment - 1
        } else {
            // Detect: the first non-empty line's indentation (blank lines before it may not be longer).
            var maxBlank = 0
            var j = i
            var probeLineStart = i
            while true {
                while byte(j) == 0x20 { j += 1 }
                if Self.isBreak(byte(j)) {
                    maxBlank = max(maxBlank, j - probeLineStart)
                    j += (byte(j) == 0x0D && byte(j + 1) == 0x0A) ? 2 : 1
                    probeLineStart = j
                    continue
                }
                indent = max(minIndent, maxBlank, j - probeLineStart)
                if j >= bytes.count { indent = max(minIndent, maxBlank, j - probeLineStart) }
                break
            }
        }

        var out: [UInt8] = []
        var sawContent = false
        var lastLineHadBreak = false
        var previousStartedWithText = false
        while true {
            var n = 0
            while n < indent, byte(i + n) == 0x20 { n += 1 }
            let c = byte(i + n)
            if i + n < bytes.count, Self.isBreak(c) {
                i += n
                consumeBreak()
                breaks += 1
                continue
            }
            if n < indent || i + n >= bytes.count {
                if i + n < bytes.count {
                    var k = n
                    while byte(i + k) == 0x20 { k += 1 }
                    i += k
                    if current == 0x09 { throw .tabInIndentation(at: mark) }
                } else {
                    i = bytes.count
                }
                break
            }
            i += n
            let startsWithText = !Self.isSpace(current)
            if sawContent {
                if folded && previousStartedWithText && startsWithText {
                    if breaks == 0 { out.append(0x20) }
                } else {
                    out.append(0x0A)
                }
            }
            out.append(contentsOf: repeatElement(0x0A, count: breaks))
            breaks = 0
            previousStartedWithText = startsWithText
            let contentStart = i
            skipToEndOfLine()
            out.append(contentsOf: bytes[contentStart..<i])
            sawContent = true
            if atEnd {
                lastLineHadBreak = false
                break
            }
            consumeBreak()
            lastLineHadBreak = true
        }
        if chomping != .strip && sawContent && lastLineHadBreak { out.append(0x0A) }
        if chomping == .keep { out.append(contentsOf: repeatElement(0x0A, count: breaks)) }
        return out
    }
}
