import JSON
import Testing
import YAML

@Suite("YAML reader: errors on bad and hostile input")
struct ReaderErrorTests {
    static func error(_ text: String) -> YAMLError? {
        do {
            _ = try YAMLReader.parseDocuments(text)
            return nil
        } catch {
            return error
        }
    }

    static func at(_ line: Int, _ column: Int) -> YAMLMark { YAMLMark(line: line, column: column) }

    @Test("errors name the place and what was expected")
    func exactErrors() {
        #expect(Self.error("a: \"abc\nb: 1\n") == .unterminatedScalar(quote: "\"", startedAt: Self.at(1, 4)))
        #expect(Self.error("a: 'abc") == .unterminatedScalar(quote: "'", startedAt: Self.at(1, 4)))
        #expect(Self.error("a: \"abc\n---\nb: 1\n") == .unterminatedScalar(quote: "\"", startedAt: Self.at(1, 4)))
        #expect(Self.error("a:\n\tb: 1\n") == .tabInIndentation(at: Self.at(2, 1)))
        #expect(Self.error("a: 1\nb: 2\na: 3\n") == .duplicateKey("a", at: Self.at(3, 1)))
        #expect(Self.error("{a: 1, a: 2}") == .duplicateKey("a", at: Self.at(1, 8)))
        #expect(Self.error("a: *nope\n") == .undefinedAlias("nope", at: Self.at(1, 4)))
        #expect(Self.error("a:\n  b: 1\n c: 2\n") == .badIndentation(expected: "a mapping key at column 1 or less indented", at: Self.at(3, 2)))
        #expect(Self.error("s: \"a\\qb\"") == .invalidEscape("\\q", at: Self.at(1, 6)))
        #expect(Self.error("s: \"\\ud800\"") == .invalidEscape("\\ud800", at: Self.at(1, 5)))
        #expect(Self.error("a: !!int abc\n") == .invalidTaggedValue(tag: "!!int", value: "abc", at: Self.at(1, 10)))
        #expect(Self.error("{[a]: 1}") == .nonScalarKey(at: Self.at(1, 2)))
        #expect(Self.error("a: !!int x\n") == .invalidTaggedValue(tag: "!!int", value: "x", at: Self.at(1, 10)))
    }

    @Test("malformed structure is an error, never a crash", arguments: [
        "a: b: c\n",
        "a: - b\n",
        "a: 1\n- b\n",
        "- a\nb: 1\n",
        "[a, b\n",
        "{a: 1\n",
        "[a,\n---\n",
        "key: [a]x\n",
        "a: |x\n",
        "a: 'x' y\n",
        "]\n",
        "a: @x\n",
        "x: {a: 1]\n",
        "x: [a: ]]\n",
        "\"multi\nline key\": 1\n",
        "a: 1\n  b: 2\n",
        "- a\n  - b\n  c: d\n",
        "{a: 1}: b\n",
        "*",
        "\"\\u12\"",
        "a: b\n\t\n c: d\n",
        "a:\n  - b\n -c\n",
        ": x\n",
        "a: 1\n: 2\n",
        "- : x\n",
    ])
    func malformed(text: String) {
        let error = Self.error(text)
        #expect(error != nil, "accepted \(text.debugDescription)")
        if let error { #expect(!error.description.isEmpty) }
    }

    @Test("invalid UTF-8 and NUL bytes")
    func encoding() {
        #expect(throws: YAMLError.invalidEncoding(offset: 3)) { try YAMLReader.parseDocuments([0x61, 0x3A, 0x20, 0xFF]) }
        #expect(throws: YAMLError.invalidEncoding(offset: 4)) { try YAMLReader.parseDocuments(Array("a: b\u{0}".utf8)) }
    }

    @Test("deep nesting stops at the limit", arguments: [
        String(repeating: "[", count: 10_000),
        String(repeating: "{a: ", count: 10_000),
        (0..<300).map { String(repeating: " ", count: $0) + "a:\n" }.joined(),
        (0..<300).map { String(repeating: " ", count: $0 * 2) + "- x:\n" }.joined(),
    ])
    func deepNesting(text: String) {
        guard case .tooDeep(let limit, _)? = Self.error(text) else {
            Issue.record("expected tooDeep")
            return
        }
        #expect(limit == YAMLReader.maxDepth)
    }

    @Test("nesting just under the limit is fine")
    func nestingUnderLimit() throws {
        let depth = YAMLReader.maxDepth
        let v = try YAMLReader.parseDocument(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        var level = 0
        var node = v
        while case .array(let items) = node, let first = items.first ?? Optional(.null), items.count <= 1 {
            level += 1
            if items.isEmpty { break }
            node = first
        }
        #expect(level == depth)
    }

    @Test("an alias bomb hits the expansion limit")
    func aliasBomb() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for k in 1..<9 {
            lines.append("a\(k): &a\(k) [" + Array(repeating: "*a\(k - 1)", count: 10).joined(separator: ", ") + "]")
        }
        guard case .aliasExpansionLimit(let limit, _)? = Self.error(lines.joined(separator: "\n")) else {
            Issue.record("expected aliasExpansionLimit")
            return
        }
        #expect(limit == YAMLReader.maxAliasExpansionNodes)
    }

    @Test("anchors do not cross documents")
    func anchorsPerDocument() {
        #expect(Self.error("a: &x 1\n---\nb: *x\n") == .undefinedAlias("x", at: Self.at(3, 4)))
    }

    @Test("parseDocument wants exactly one document")
    func exactlyOne() {
        #expect(throws: YAMLError.self) { try YAMLReader.parseDocument("a: 1\n---\nb: 2\n") }
        #expect(throws: YAMLError.self) { try YAMLReader.parseDocument("# nothing\n") }
    }
}
