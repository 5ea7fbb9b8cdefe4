extension JSONPullReader {
    // MARK: Scanning

    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Scans a number at the cursor (grammar of RFC 8259) and returns its text.
    mutating func scanNumber() throws(ObjectCodecError) -> String {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
        } else if isDigit(bytes[offset]) {
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        } else {
            throw unexpected("in numeric literal")
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            guard isDigit(bytes[offset]) else { throw unexpected("after decimal point in numeric literal") }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            guard isDigit(bytes[offset]) else { throw unexpected("in exponent of numeric literal") }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] >= 0x21, bytes[offset] != UInt8(ascii: ","),
           bytes[offset] != UInt8(ascii: "]"), bytes[offset] != UInt8(ascii: "}") {
            throw unexpected("after numeric literal")
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    /// The offset of the first 8-byte word at or after `start` that may hold a quote, a backslash,
    /// a control character or a non-ASCII byte (tested eight bytes at a time); the caller scans
    /// bytewise from there.
    @inline(__always)
    static func skipPlainWords(_ buf: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var k = start
        guard let base = buf.baseAddress else { return k }
        while k + 8 <= buf.count {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                | (w &- ones &* 0x20) | w
            if special & highs != 0 { return k }
            k += 8
        }
        return k
    }

    /// Scans a member name at the cursor: plain ASCII names stay a view of the input.
    mutating func scanKey() throws(ObjectCodecError) -> JSONKey {
        let start = offset + 1
        let end: Int = bytes.withUnsafeBufferPointer { buf in
            var k = Self.skipPlainWords(buf, from: start)
            while k < buf.count {
                let c = buf[k]
                if c == UInt8(ascii: "\"") { return k }
                if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return -1 }
                k += 1
            }
            return -1
        }
        if end < 0 { return JSONKey(decoded: try scanString()) }
        offset = end + 1
        return JSONKey(source: bytes, start: start, count: end - start)
    }

    /// Scans a string literal at the cursor (on its opening quote): escapes decoded, `\u`
    /// surrogate pairs joined (a lone surrogate becomes U+FFFD, as Go does), UTF-8 validated.
    mutating func scanString() throws(ObjectCodecError) -> String {
        offset += 1
        let start = offset
        var ascii = true
        let end: Int = bytes.withUnsafeBufferPointer { buf in
            var k = Self.skipPlainWords(buf, from: start)
            while k < buf.count {
                let c = buf[k]
                if c == UInt8(ascii: "\"") { return k }
                if c == UInt8(ascii: "\\") || c < 0x20 { return -k - 1 }
                if c >= 0x80 { ascii = false }
                k += 1
            }
            return -k - 1
        }
        if end >= 0 {
            offset = end + 1
            if ascii { return String(decoding: bytes[start..<end], as: UTF8.self) }
            return try validated(bytes[start..<end], at: start)
        }
        offset = -end - 1
        if offset < bytes.count, bytes[offset] < 0x20 { throw unexpected("in string literal") }
        var out = Array(bytes[start..<offset])
        while offset < bytes.count {
            let c = bytes[offset]
            if c == UInt8(ascii: "\"") {
                offset += 1
                return try validated(out[...], at: start)
            }
            if c < 0x20 { throw unexpected("in string literal") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                offset += 1
                continue
            }
            offset += 1
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            let escape = bytes[offset]
            offset += 1
            switch escape {
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
                if scalar >= 0xD800, scalar < 0xDC00 {
                    // Join with a following escaped low surrogate; otherwise the high one is lone.
                    if offset + 5 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                        let save = offset
                        offset += 2
                        let low = try hex4()
                        if low >= 0xDC00, low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            offset = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
            default:
                offset -= 1
                throw unexpected("in string escape code")
            }
        }
        throw .malformed(.unexpectedEnd)
    }

    /// The text of string bytes, rejecting invalid UTF-8. ASCII (the common case) is taken as is;
    /// other text is decoded and compared with its source, since decoding repairs bad sequences.
    func validated(_ slice: ArraySlice<UInt8>, at start: Int) throws(ObjectCodecError) -> String {
        let text = String(decoding: slice, as: UTF8.self)
        var ascii = true
        for c in slice where c >= 0x80 {
            ascii = false
            break
        }
        if !ascii, !text.utf8.elementsEqual(slice) {
            throw .invalidValue(path: "", reason: "invalid UTF-8 in string at offset \(start)")
        }
        return text
    }

    func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(scalar >> 6))
            out.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(scalar >> 12))
            out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        default:
            out.append(0xF0 | UInt8(scalar >> 18))
            out.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            out.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    mutating func hex4() throws(ObjectCodecError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count else { throw .malformed(.unexpectedEnd) }
            let c = bytes[offset]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw unexpected("in \\u hexadecimal character escape")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }
}
