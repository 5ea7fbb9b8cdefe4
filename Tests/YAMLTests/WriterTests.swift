import JSON
import Testing
import YAML

@Suite("YAML writer")
struct WriterTests {
    @Test("a Deployment prints as kubectl lays it out")
    func deploymentLayout() throws {
        let json = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"annotations":{}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","args":["-c","echo hi"],"ports":[{"containerPort":80,"protocol":"TCP"}],"env":[{"name":"PORT","value":"8080"},{"name":"DEBUG","value":"true"}]}],"nodeSelector":null}}}}"#
        let value = try JSONParser.parse(Array(json.utf8))
        let expected = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
          annotations: {}
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            spec:
              containers:
              - name: nginx
                image: nginx:1.25
                args:
                - -c
                - echo hi
                ports:
                - containerPort: 80
                  protocol: TCP
                env:
                - name: PORT
                  value: "8080"
                - name: DEBUG
                  value: "true"
              nodeSelector: null

        """
        #expect(YAMLWriter.write(value) == expected)
        #expect(try YAMLReader.parseDocuments(expected) == [value])
    }

    @Test("strings are quoted only when needed", arguments: [
        ("plain", "plain"), ("with space", "with space"), ("a:b", "a:b"), ("a#b", "a#b"), ("-x", "-x"),
        ("http://x:80/p", "http://x:80/p"), ("héllo", "héllo"),
        ("", #""""#), ("1", #""1""#), ("0644", #""0644""#), ("1.5", #""1.5""#), ("true", #""true""#), ("yes", #""yes""#),
        ("off", #""off""#), ("y", #""y""#), ("null", #""null""#), ("~", #""~""#), ("1_000", #""1_000""#), ("1:20", #""1:20""#),
        (".inf", #"".inf""#), ("1.2.3", #""1.2.3""#), ("- x", "'- x'"), ("-", "'-'"), ("---", "'---'"),
        ("a: b", "'a: b'"), ("a #b", "'a #b'"), ("ends:", "'ends:'"), (" lead", "' lead'"), ("trail ", "'trail '"),
        ("*x", "'*x'"), ("&x", "'&x'"), ("!x", "'!x'"), ("[x]", "'[x]'"), ("{x}", "'{x}'"), ("#x", "'#x'"),
        ("'q'", "'''q'''"), ("it's: x", "'it''s: x'"), ("\"dq\"", "'\"dq\"'"), ("%x", "'%x'"), ("@x", "'@x'"), ("tab\there", #""tab\there""#),
        ("bell\u{7}", #""bell\x07""#), ("ls\u{2028}", #""ls\u2028""#), ("cr\r\n", #""cr\r\n""#),
    ])
    func scalarQuoting(text: String, written: String) throws {
        #expect(YAMLWriter.write(.string(text)) == written + "\n")
        #expect(try YAMLReader.parseDocuments(written) == [.string(text)])
    }

    @Test("multi-line strings are literal blocks with the right chomping", arguments: [
        ("a\nb", "|-\n  a\n  b\n"),
        ("a\nb\n", "|\n  a\n  b\n"),
        ("a\nb\n\n", "|+\n  a\n  b\n\n"),
        ("a\n\nb\n", "|\n  a\n\n  b\n"),
        ("  indented\nnot\n", "|2\n    indented\n  not\n"),
        ("\nafter blank\n", "|\n\n  after blank\n"),
        ("# not a comment\n", "|\n  # not a comment\n"),
    ])
    func literalBlocks(text: String, written: String) throws {
        #expect(YAMLWriter.write(.string(text)) == written)
        #expect(try YAMLReader.parseDocuments(written) == [.string(text)])
        let nested = JSONValue.object([("data", .object([("script", .string(text))])), ("list", .array([.string(text)]))])
        #expect(try YAMLReader.parseDocuments(YAMLWriter.write(nested)) == [nested])
    }

    @Test("several documents")
    func documents() throws {
        let docs: [JSONValue] = [.object([("a", .number("1"))]), .array([.string("x")]), .string("s")]
        let text = YAMLWriter.write(documents: docs)
        #expect(text == "a: 1\n---\n- x\n---\ns\n")
        #expect(try YAMLReader.parseDocuments(text) == docs)
    }

    @Test("every manifest fixture survives write then read", arguments: ManifestFixtures.names)
    func manifestRoundTrip(name: String) throws {
        let documents = try YAMLReader.parseDocuments(try ManifestFixtures.bytes(name))
        let written = YAMLWriter.write(documents: documents)
        #expect(try YAMLReader.parseDocuments(written) == documents, "\(name) written as:\n\(written)")
    }

    /// A SplitMix64 generator, so every run of a seed builds the same values.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        static let fragments = ["a", "web", "x-y", " ", "  ", ":", ": ", "#", " #", "-", "- ", "?", "'", "\"", "\\", "\n", "\n\n",
                                "\t", "é", "✓", "true", "no", "null", "~", "1", "0x1F", "1.5", "1e3", "0644", "[", "]", "{", "}",
                                ",", "&a", "*a", "!", "|", ">", "%", "@", "`", "---", "...", "<<", "=", "\u{7}", "\r", "\u{85}", "\u{2028}"]
        static let numbers = ["0", "-1", "42", "3.25", "-0.5", "1e3", "2.5E-4", "12345678901234567890", "-0"]

        mutating func string() -> String {
            (0..<below(5)).map { _ in Self.fragments[below(Self.fragments.count)] }.joined()
        }

        mutating func value(depth: Int) -> JSONValue {
            switch below(depth >= 4 ? 5 : 8) {
            case 0: return .null
            case 1: return .bool(below(2) == 0)
            case 2: return .number(Self.numbers[below(Self.numbers.count)])
            case 3, 4: return .string(string())
            case 5: return .array((0..<below(4)).map { _ in value(depth: depth + 1) })
            default:
                var keys: [String] = []
                for _ in 0..<below(5) {
                    let key = string()
                    if !keys.contains(key) { keys.append(key) }
                }
                return .object(keys.map { ($0, value(depth: depth + 1)) })
            }
        }
    }

    @Test("property: read(write(v)) == v for generated values", arguments: [1, 7, 42, 1234, 99991] as [UInt64])
    func roundTripProperty(seed: UInt64) throws {
        var generator = Generator(state: seed)
        for iteration in 0..<300 {
            let value = generator.value(depth: 0)
            let text = YAMLWriter.write(value)
            let back: [JSONValue]
            do {
                back = try YAMLReader.parseDocuments(text)
            } catch {
                Issue.record("seed \(seed) iteration \(iteration): \(error)\n\(text)")
                return
            }
            #expect(back == [value], "seed \(seed) iteration \(iteration):\n\(text)")
            if back != [value] { return }
        }
    }
}
