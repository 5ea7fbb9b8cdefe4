/// Escaping of strings into space-free tokens for the history text format.
///
/// A string token starts with `'`; bytes outside printable ASCII and the characters
/// space, `%`, `'` become `%XX`. So `'` alone is the empty string and `'a%20b` is "a b".
enum TokenText {
    static func escape(_ text: String) -> String {
        var out = "'"
        for byte in text.utf8 {
            if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "'") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + hexDigit(byte >> 4) + hexDigit(byte & 15)
            }
        }
        return out
    }

    static func unescape(_ token: Substring) -> String? {
        guard token.first == "'" else { return nil }
        var bytes: [UInt8] = []
        var iterator = token.utf8.dropFirst().makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexDigit(_ value: UInt8) -> String {
        String(Unicode.Scalar(value < 10 ? value + 48 : value + 87))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 97...102: byte - 87
        case 65...70: byte - 55
        default: nil
        }
    }
}

/// Reads the space-separated tokens of one line, with typed errors.
struct TokenReader {
    private var tokens: [Substring]
    private var position = 0
    let line: Int

    init(_ text: Substring, line: Int) {
        tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        self.line = line
    }

    var isAtEnd: Bool { position >= tokens.count }

    mutating func word() throws(HistoryCodecError) -> Substring {
        guard position < tokens.count else { throw .malformed(line: line, token: "", reason: "line ended early") }
        defer { position += 1 }
        return tokens[position]
    }

    mutating func expect(_ literal: String) throws(HistoryCodecError) {
        let token = try word()
        guard token == literal else { throw .malformed(line: line, token: String(token), reason: "expected \(literal)") }
    }

    mutating func string() throws(HistoryCodecError) -> String {
        let token = try word()
        guard let text = TokenText.unescape(token) else { throw .malformed(line: line, token: String(token), reason: "expected an escaped string") }
        return text
    }

    mutating func int() throws(HistoryCodecError) -> Int64 {
        let token = try word()
        guard let value = Int64(token) else { throw .malformed(line: line, token: String(token), reason: "expected an integer") }
        return value
    }

    mutating func count() throws(HistoryCodecError) -> Int {
        let value = try int()
        guard value >= 0 && value <= 1_000_000 else { throw .malformed(line: line, token: String(value), reason: "count out of range") }
        return Int(value)
    }

    mutating func bool() throws(HistoryCodecError) -> Bool {
        let token = try word()
        switch token {
        case "1": return true
        case "0": return false
        default: throw .malformed(line: line, token: String(token), reason: "expected 0 or 1")
        }
    }

    mutating func time() throws(HistoryCodecError) -> UInt64? {
        let token = try word()
        if token == "inf" { return nil }
        guard let value = UInt64(token) else { throw .malformed(line: line, token: String(token), reason: "expected nanoseconds or inf") }
        return value
    }

    func fail(_ reason: String, _ token: Substring) -> HistoryCodecError {
        .malformed(line: line, token: String(token), reason: reason)
    }
}
