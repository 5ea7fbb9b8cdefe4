import JSON

/// Reads YAML streams into JSON values: the subset real Kubernetes manifests use (block and flow
/// collections, plain/quoted/literal/folded scalars, comments, multi-document streams, anchors,
/// aliases and merge keys). See ``ScalarResolver`` for how plain scalars become values and
/// docs/architecture-yaml.md for what is left out.
public struct YAMLReader {
    /// The deepest nesting of collections accepted (hostile input cannot exhaust the stack).
    public static let maxDepth = 100
    /// The most nodes that aliases may add to a stream (an alias bomb gets an error instead).
    public static let maxAliasExpansionNodes = 100_000

    /// Parses every document of a YAML stream; empty documents (nothing between markers) are
    /// skipped. Bad input throws with the line and column of the problem.
    public static func parseDocuments(_ text: String) throws(YAMLError) -> [JSONValue] {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try parseValidated(bytes)
    }

    /// Parses every document of a YAML stream given as UTF-8 bytes (a leading BOM is skipped).
    public static func parseDocuments(_ bytes: [UInt8]) throws(YAMLError) -> [JSONValue] {
        var input = bytes
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        if String(validating: input, as: UTF8.self) == nil {
            // Not UTF-8: find where, for the error.
            var iterator = input.makeIterator()
            var parser = Unicode.UTF8.ForwardParser()
            var offset = 0
            while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
            throw .invalidEncoding(offset: offset)
        }
        return try parseValidated(input)
    }

    /// Parses a stream that must hold exactly one non-empty document.
    public static func parseDocument(_ text: String) throws(YAMLError) -> JSONValue {
        let docs = try parseDocuments(text)
        guard docs.count == 1 else {
            throw .unexpected(found: "\(docs.count) documents", expected: "exactly one document", at: YAMLMark(line: 1, column: 1))
        }
        return docs[0]
    }

    private static func parseValidated(_ bytes: [UInt8]) throws(YAMLError) -> [JSONValue] {
        if let nul = bytes.firstIndex(of: 0) { throw .invalidEncoding(offset: nul) }
        var reader = YAMLReader(bytes)
        return try reader.documents()
    }

    // MARK: State

    let bytes: [UInt8]
    /// The read position.
    var i = 0
    /// The 0-based line of `i` and the offset where that line starts.
    var line = 0
    var lineStart = 0
    /// Current collection nesting.
    var depth = 0
    /// Anchors of the current document with the number of nodes each value holds.
    var anchors: [String: (value: JSONValue, nodes: Int)] = [:]
    /// Nodes added by aliases so far in the stream.
    var aliasNodes = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The byte at `j`, or 0 past the end (the input holds no NUL).
    @inline(__always) func byte(_ j: Int) -> UInt8 { j < bytes.count ? bytes[j] : 0 }
    @inline(__always) var current: UInt8 { byte(i) }
    var atEnd: Bool { i >= bytes.count }
    var column: Int { i - lineStart }
    var mark: YAMLMark { YAMLMark(line: line + 1, column: i - lineStart + 1) }

    @inline(__always) static func isBreak(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
    /// Space, tab, line break or the end of input.
    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0 }
    @inline(__always) static func isFlowIndicator(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
    }

    /// A description of the byte at `j` for error messages.
    func found(at j: Int) -> String {
        let c = byte(j)
        if j >= bytes.count { return "end of stream" }
        if Self.isBreak(c) { return "end of line" }
        if c == 0x09 { return "a tab" }
        if c < 0x80 { return "'\(Character(Unicode.Scalar(c)))'" }
        var end = j + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'\(String(decoding: bytes[j..<end], as: UTF8.self))'"
    }

    /// Consumes one line break (`\n`, `\r\n` or `\r`) at `i` and starts the next line.
    mutating func consumeBreak() {
        if current == 0x0D, byte(i + 1) == 0x0A { i += 2 } else { i += 1 }
        line += 1
        lineStart = i
    }

    mutating func skipSpaces() {
        while Self.isSpace(current) { i += 1 }
    }

    /// Skips to the end of the line (not past the break).
    mutating func skipToEndOfLine() {
        while i < bytes.count, !Self.isBreak(bytes[i]) { i += 1 }
    }

    /// Whether `i` is at the first non-space byte of its line and that byte is content.
    var isAtLineContent: Bool {
        guard i < bytes.count, !Self.isBlank(bytes[i]) else { return false }
        var j = lineStart
        while j < i, bytes[j] == 0x20 { j += 1 }
        return j == i
    }

    /// Whether a `---` or `...` marker starts at `j` (column 0, followed by a blank).
    func isDocumentMarker(at j: Int, _ marker: UInt8? = nil) -> Bool {
        guard j == lineStart || (j > 0 && Self.isBreak(byte(j - 1))) else { return false }
        let c = byte(j)
        guard c == UInt8(ascii: "-") || c == UInt8(ascii: ".") else { return false }
        if let marker, c != marker { return false }
        return byte(j + 1) == c && byte(j + 2) == c && Self.isBlank(byte(j + 3))
    }

    /// After a node: the rest of the line must be spaces or a comment; then skips blank and
    /// comment lines to the next content. Returns false at the end of input. Idempotent when
    /// already at a line's content.
    mutating func moveToNextContent() throws(YAMLError) -> Bool {
        if isAtLineContent && current != UInt8(ascii: "#") { return true }
        skipSpaces()
        if current == UInt8(ascii: "#") { skipToEndOfLine() }
        if i < bytes.count, !Self.isBreak(current) {
            throw .unexpected(found: found(at: i), expected: "a comment or a line break", at: mark)
        }
        return try skipLinesToContent()
    }

    /// From the end of a line (or a line start), skips blank and comment lines; stops at the first
    /// content byte of a line. Tabs in the indentation of a content line are an error.
    mutating func skipLinesToContent() throws(YAMLError) -> Bool {
        if i != lineStart {
            if i >= bytes.count { return false }
            consumeBreak()
        }
        while i < bytes.count {
            while current == 0x20 { i += 1 }
            if current == 0x09 {
                let tabMark = mark
                skipSpaces()
                if !(Self.isBreak(current) || current == UInt8(ascii: "#") || atEnd) { throw .tabInIndentation(at: tabMark) }
            }
            if current == UInt8(ascii: "#") { skipToEndOfLine() }
            if atEnd { return false }
            if Self.isBreak(current) {
                consumeBreak()
                continue
            }
            return true
        }
        return false
    }

    mutating func enterCollection() throws(YAMLError) {
        depth += 1
        if depth > Self.maxDepth { throw .tooDeep(limit: Self.maxDepth, at: mark) }
    }

    // MARK: Documents

    mutating func documents() throws(YAMLError) -> [JSONValue] {
        var docs: [JSONValue] = []
        guard try skipLinesToContent() else { return docs }
        while !atEnd {
            anchors = [:]
            // Directives (%YAML, %TAG) are skipped.
            while column == 0, current == UInt8(ascii: "%") {
                skipToEndOfLine()
                guard try skipLinesToContent() else { return docs }
            }
            if isDocumentMarker(at: i, UInt8(ascii: ".")) {
                i += 3
                guard try moveToNextContent() else { break }
                continue
            }
            if isDocumentMarker(at: i, UInt8(ascii: "-")) { i += 3 }
            if let value = try parseBlockValue(parentIndent: -1, context: .document) { docs.append(value) }
            guard try moveToNextContent() else { break }
            if isDocumentMarker(at: i, UInt8(ascii: ".")) {
                i += 3
                guard try moveToNextContent() else { break }
            } else if !isDocumentMarker(at: i, UInt8(ascii: "-")) {
                throw .unexpected(found: found(at: i), expected: "the end of the document ('---', '...' or the end of the stream)", at: mark)
            }
        }
        return docs
    }
}
