import JSON
import Testing
import YAML

/// Snippets of every construct the reader supports; the expected JSON is what PyYAML 6.0.3 gives
/// (timestamps as strings), except where this reader deliberately differs (documented in
/// ScalarResolver and docs/architecture-yaml.md): `0o17` is 15, `1_0`/`1:20`/`.inf` stay strings,
/// `1: a` and `true: b` are distinct keys, empty documents are skipped, unknown tags are ignored, and the non-specific `!` makes a string (PyYAML resolves `! 12` to 12).
@Suite("YAML reader: constructs")
struct ReaderConstructTests {
    static let cases: [(yaml: String, json: String)] = [
        ("a: 1\nb: two\nc: 3.5\nd: true\ne: ~\nf:\ng: null\n", "[{\"a\": 1, \"b\": \"two\", \"c\": 3.5, \"d\": true, \"e\": null, \"f\": null, \"g\": null}]"),
        ("seq:\n- a\n- b\nafter: x\n", "[{\"seq\": [\"a\", \"b\"], \"after\": \"x\"}]"),
        ("seq:\n  - a\n  -   b\n", "[{\"seq\": [\"a\", \"b\"]}]"),
        ("- name: x\n  image: y\n- name: z\n  args:\n  - p\n  - q\n", "[[{\"name\": \"x\", \"image\": \"y\"}, {\"name\": \"z\", \"args\": [\"p\", \"q\"]}]]"),
        ("- - a\n  - b\n- - c\n", "[[[\"a\", \"b\"], [\"c\"]]]"),
        ("k: {a: 1, b: [x, y], c: {d: e}}\n", "[{\"k\": {\"a\": 1, \"b\": [\"x\", \"y\"], \"c\": {\"d\": \"e\"}}}]"),
        ("k: [a, {b: c}, [d], 'e f', \"g\\th\"]\n", "[{\"k\": [\"a\", {\"b\": \"c\"}, [\"d\"], \"e f\", \"g\\th\"]}]"),
        ("k: {a: 1, b: 2,}\nl: [1, 2, ]\n", "[{\"k\": {\"a\": 1, \"b\": 2}, \"l\": [1, 2]}]"),
        ("plain: this is\n  a multi line\n\n  plain scalar\nnext: 1\n", "[{\"plain\": \"this is a multi line\\nplain scalar\", \"next\": 1}]"),
        ("s: 'it''s'\nd: \"a\\nb \\\"q\\\" \\\\ \\u00e9\\x41\"\n", "[{\"s\": \"it's\", \"d\": \"a\\nb \\\"q\\\" \\\\ éA\"}]"),
        ("folded: 'one\n  two\n\n  three'\n", "[{\"folded\": \"one two\\nthree\"}]"),
        ("dq: \"one \\\n  two\"\n", "[{\"dq\": \"one two\"}]"),
        ("lit: |\n  line1\n  line2\n\n  line4\nnext: 1\n", "[{\"lit\": \"line1\\nline2\\n\\nline4\\n\", \"next\": 1}]"),
        ("lit: |-\n  a\n  b\n\n\nnext: 1\n", "[{\"lit\": \"a\\nb\", \"next\": 1}]"),
        ("lit: |+\n  a\n  b\n\n\nnext: 1\n", "[{\"lit\": \"a\\nb\\n\\n\\n\", \"next\": 1}]"),
        ("fold: >\n  a\n  b\n\n  c\n    indented\n  d\nn: 1\n", "[{\"fold\": \"a b\\nc\\n  indented\\nd\\n\", \"n\": 1}]"),
        ("fold: >-\n  a\n  b\n", "[{\"fold\": \"a b\"}]"),
        ("ind: |2\n    two extra\n  base\n", "[{\"ind\": \"  two extra\\nbase\\n\"}]"),
        ("- |\n  in seq\n- >+\n  kept\n\n- x\n", "[[\"in seq\\n\", \"kept\\n\\n\", \"x\"]]"),
        ("# comment\na: 1 # trailing\n# another\nb: 'x' # c\n", "[{\"a\": 1, \"b\": \"x\"}]"),
        ("---\na: 1\n---\nb: 2\n...\n---\nc: 3\n", "[{\"a\": 1}, {\"b\": 2}, {\"c\": 3}]"),
        ("--- \n---\na: 1\n---\n", "[{\"a\": 1}]"),
        ("base: &b\n  x: 1\n  y: 2\nref: *b\nmerged:\n  <<: *b\n  y: 3\n  z: 4\n", "[{\"base\": {\"x\": 1, \"y\": 2}, \"ref\": {\"x\": 1, \"y\": 2}, \"merged\": {\"x\": 1, \"y\": 3, \"z\": 4}}]"),
        ("ints: [0x1F, 0o17, 0644, -12, +7, 0]\nfloats: [1.5, .5, -2.5e-3, 1.0e+3, 1., 00.5]\n", "[{\"ints\": [31, 15, 420, -12, 7, 0], \"floats\": [1.5, 0.5, -2.5e-3, 1.0e+3, 1.0, 0.5]}]"),
        ("bools: [true, True, FALSE, yes, No, on, OFF]\nnulls: [~, null, Null, NULL]\nstrs: [y, n, '1', \"true\", 1_0, 1:20, .inf, 08, 2001-12-14]\n", "[{\"bools\": [true, true, false, true, false, true, false], \"nulls\": [null, null, null, null], \"strs\": [\"y\", \"n\", \"1\", \"true\", \"1_0\", \"1:20\", \".inf\", \"08\", \"2001-12-14\"]}]"),
        ("1: one\ntrue: t\nnull: n\n1.5: f\n", "[{\"1\": \"one\", \"true\": \"t\", \"null\": \"n\", \"1.5\": \"f\"}]"),
        ("tagged: [!!str 123, !!int '42', !!float 1, !!bool 'yes', !!null '', ! 12]\n", "[{\"tagged\": [\"123\", 42, 1.0, true, null, \"12\"]}]"),
        ("\"quoted key\": 1\n'single key': 2\n", "[{\"quoted key\": 1, \"single key\": 2}]"),
        ("url: http://example.com:8080/path\ncolon: a:b\nhash: a#b\ndash: -x\n", "[{\"url\": \"http://example.com:8080/path\", \"colon\": \"a:b\", \"hash\": \"a#b\", \"dash\": \"-x\"}]"),
        ("empty_map: {}\nempty_seq: []\nempty_str: ''\n", "[{\"empty_map\": {}, \"empty_seq\": [], \"empty_str\": \"\"}]"),
        ("deep:\n  a:\n    b:\n      c:\n      - d: 1\n        e: 2\n", "[{\"deep\": {\"a\": {\"b\": {\"c\": [{\"d\": 1, \"e\": 2}]}}}}]"),
        ("cmd: [\"sh\", \"-c\", \"echo hello; sleep 1\"]\n", "[{\"cmd\": [\"sh\", \"-c\", \"echo hello; sleep 1\"]}]"),
        ("key:    \n  value\n", "[{\"key\": \"value\"}]"),
        ("a:\n  - 1\n  - 2\nb:\n- 3\n", "[{\"a\": [1, 2], \"b\": [3]}]"),
        ("anch: &a [1, 2]\nlist: [*a, *a]\n", "[{\"anch\": [1, 2], \"list\": [[1, 2], [1, 2]]}]"),
        ("[1, 2, 3]\n", "[[1, 2, 3]]"),
        ("just a scalar\n", "[\"just a scalar\"]"),
        ("{\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"e\"}}\n", "[{\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"e\"}}]"),
        ("{\"a\":1,\"b\":\"x\"}", "[{\"a\": 1, \"b\": \"x\"}]"),
        ("k: v\r\nl: w\r\n", "[{\"k\": \"v\", \"l\": \"w\"}]"),
        ("multi: \"a\n\n  b\"\n", "[{\"multi\": \"a\\nb\"}]"),
        ("flowmulti: [a,\n  b, # c\n  c]\n", "[{\"flowmulti\": [\"a\", \"b\", \"c\"]}]"),
        ("unicode: héllo wörld ✓\n", "[{\"unicode\": \"héllo wörld ✓\"}]"),
        ("pair: [a: 1, b: 2]\n", "[{\"pair\": [{\"a\": 1}, {\"b\": 2}]}]"),
        ("x: |\n\n  after blank\n", "[{\"x\": \"\\nafter blank\\n\"}]"),
        ("key: value with 'quotes' and \"dq\"\n", "[{\"key\": \"value with 'quotes' and \\\"dq\\\"\"}]"),
        ("k: >\n  folded\n  text\n# trailing comment\nz: 1\n", "[{\"k\": \"folded text\\n\", \"z\": 1}]"),
        ("%YAML 1.1\n---\na: 1\n", "[{\"a\": 1}]"),
        ("a: !custom 5\n", "[{\"a\": 5}]"),
        ("- a\n-\n- c\n", "[[\"a\", null, \"c\"]]"),
    ]

    @Test("each construct reads as PyYAML reads it", arguments: 0..<cases.count)
    func construct(index: Int) throws {
        let (yaml, json) = Self.cases[index]
        guard case .array(let expected) = try JSONParser.parse(Array(json.utf8)) else {
            Issue.record("bad expected JSON")
            return
        }
        let got = try YAMLReader.parseDocuments(yaml)
        #expect(got.count == expected.count, "case \(index): \(yaml.debugDescription)")
        for (g, w) in zip(got, expected) {
            #expect(ManifestFixtures.sameValue(g, w), "case \(index): \(yaml.debugDescription) gave \(String(decoding: g.encoded(), as: UTF8.self))")
        }
    }

    @Test("number texts are JSON-valid and exact")
    func numberTexts() throws {
        let v = try YAMLReader.parseDocument("[+1, .5, -.5, 1., 1e3, 007, 0x10, -0x10, 9223372036854775808, 1.5E-3, 00.5e2]")
        #expect(v == .array(["1", "0.5", "-0.5", "1.0", "1e3", "7", "16", "-16", "9223372036854775808", "1.5E-3", "0.5e2"].map { .number($0) }))
        for case .number(let text) in [v] {
            #expect(try JSONParser.parse(Array(text.utf8)) == .number(text))
        }
        if case .array(let items) = v {
            for item in items {
                guard case .number(let text) = item else { continue }
                #expect(try JSONParser.parse(Array(text.utf8)) == item, "\(text) is not JSON")
            }
        }
    }

    @Test("quoted numbers and words stay strings")
    func quotedStayStrings() throws {
        let v = try YAMLReader.parseDocument("a: \"1\"\nb: '0644'\nc: \"true\"\nd: 'null'\ne: \"\"\n")
        #expect(v == .object([("a", .string("1")), ("b", .string("0644")), ("c", .string("true")), ("d", .string("null")), ("e", .string(""))]))
    }

    @Test("escapes in double quotes, including surrogate pairs")
    func escapes() throws {
        let v = try YAMLReader.parseDocument(#"s: "\t\n\"\\\/\u00e9\U0001F600\ud83d\ude00\x41\0\ ""#)
        #expect(v["s"] == .string("\t\n\"\\/é😀😀A\u{0} "))
    }

    @Test("a JSON manifest with tabs and no final newline reads as YAML")
    func jsonManifest() throws {
        let json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"p\", \"labels\": {\"app\": \"web\"}},\n\t\"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx:1.25\", \"ports\": [{\"containerPort\": 80}]}]}\n}"
        let v = try YAMLReader.parseDocument(json)
        #expect(v == (try JSONParser.parse(Array(json.utf8))))
    }

    @Test("a leading BOM, CRLF line ends and a final '...'")
    func bomAndCRLF() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\r\nb:\r\n- x\r\n...\r\n".utf8)
        #expect(try YAMLReader.parseDocuments(bytes) == [.object([("a", .number("1")), ("b", .array([.string("x")]))])])
    }

    @Test("explicit keys, as PyYAML writes empty and multi-line keys")
    func explicitKeys() throws {
        #expect(try YAMLReader.parseDocument("? a\n: b\n? ''\n: null\n? |\n  multi\n  line\n: [1]\n? lone\nlast: x\n") == .object([
            ("a", .string("b")), ("", .null), ("multi\nline\n", .array([.number("1")])), ("lone", .null), ("last", .string("x")),
        ]))
        #expect(try YAMLReader.parseDocuments("? |\n") == [.object([("", .null)])])
        #expect(try YAMLReader.parseDocument("- ? k\n  : v\n") == .array([.object([("k", .string("v"))])]))
    }

    @Test("block scalars whose last line is only spaces, without a final line break")
    func blockScalarTrailingSpaces() throws {
        #expect(try YAMLReader.parseDocuments("|-\n\n\n  ") == [.string("")])
        #expect(try YAMLReader.parseDocuments("|+\n\n\n  ") == [.string("\n\n")])
        #expect(try YAMLReader.parseDocuments("k: |\n  a\n   ") == [.object([("k", .string("a\n "))])])
    }

    @Test("anchors and tags on block mapping keys belong to the key")
    func keyProperties() throws {
        let v = try YAMLReader.parseDocument("ports:\n- !!str protocol: TCP\n  !!str port: 80\n  &k name: x\n&top top: *k\nuse: *top\n!!str 12: twelve\n")
        #expect(v == .object([
            ("ports", .array([.object([("protocol", .string("TCP")), ("port", .number("80")), ("name", .string("x"))])])),
            ("top", .string("name")), ("use", .string("top")), ("12", .string("twelve")),
        ]))
        #expect(try YAMLReader.parseDocument("k: &v !!str 1\nl: *v\n") == .object([("k", .string("1")), ("l", .string("1"))]))
        #expect(try YAMLReader.parseDocument("!!map\na: 1\n") == .object([("a", .number("1"))]))
    }

    @Test("merge keys from a sequence of mappings; own keys win")
    func mergeSequence() throws {
        let v = try YAMLReader.parseDocument("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n")
        #expect(v["c"] == .object([("x", .number("1")), ("y", .number("1")), ("z", .number("3"))]))
    }
}
