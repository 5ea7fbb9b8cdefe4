import Testing
import JSON

@Suite("JSON parser")
struct JSONParserTests {
    func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }

    @Test("values of every kind")
    func values() throws {
        let v = try parse(#" {"a": [1, -2.5e3, "x\n\u00e9\ud83d\ude00", true, false, null], "b": {}, "c": "9223372036854775807"} "#)
        #expect(v["a"] == .array([.number("1"), .number("-2.5e3"), .string("x\né😀"), .bool(true), .bool(false), .null]))
        #expect(v["b"] == .object([]))
        #expect(v["c"] == .string("9223372036854775807"))
        #expect(try parse("{\"k\":1,\"k\":2}")["k"] == .number("2"), "last duplicate wins, as in Go")
    }

    @Test("errors carry Go's wording", arguments: [
        ("{\"key\":", "unexpected EOF"),
        ("", "unexpected EOF"),
        ("{\"a\":x}", "invalid character 'x' looking for beginning of value"),
        ("{a:1}", "invalid character 'a' looking for beginning of object key string"),
        ("[1 2]", "invalid character '2' after array element"),
        ("{} {}", "invalid character '{' after top-level value"),
        ("01", "invalid character '1' after top-level value"),
        ("\"a\u{01}\"", "invalid character '\\x1' in string literal"),
    ])
    func errors(text: String, message: String) {
        #expect {
            _ = try JSONParser.parse(Array(text.utf8))
        } throws: { error in
            (error as? JSONError)?.description == message
        }
    }

    @Test("nesting is bounded")
    func depth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError.self) { _ = try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test("a stream of concatenated values is read one at a time, waiting for incomplete ones")
    func stream() throws {
        let bytes = Array(#"{"a":1}  {"b":[2]}{"c""#.utf8)
        guard case .value(let first, let end1) = try JSONParser.next(in: bytes, from: 0) else { Issue.record("no first"); return }
        #expect(first["a"] == .number("1"))
        guard case .value(let second, let end2) = try JSONParser.next(in: bytes, from: end1) else { Issue.record("no second"); return }
        #expect(second["b"] == .array([.number("2")]))
        #expect(try JSONParser.next(in: bytes, from: end2) == .needMore)
        #expect(try JSONParser.next(in: Array("  12".utf8), from: 0) == .needMore)
        #expect(throws: JSONError.self) { _ = try JSONParser.next(in: Array("{]".utf8), from: 0) }
    }

    @Test("random bytes never crash the parser")
    func fuzz() {
        var state: UInt64 = 12345
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let alphabet = Array(#"{}[]",:0123456789-+.eE tfnrul\"\\ab"#.utf8) + [0, 0xff, 0xc3]
        for _ in 0..<5000 {
            let n = Int(next() % 40)
            let bytes = (0..<n).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            _ = try? JSONParser.parse(bytes)
            _ = try? JSONParser.next(in: bytes, from: 0)
        }
    }
}
