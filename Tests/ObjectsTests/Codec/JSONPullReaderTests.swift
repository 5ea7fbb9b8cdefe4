import JSON
import Testing
@testable import Objects

@Suite("JSONPullReader: strings, numbers, nesting and errors")
struct JSONPullReaderTests {
    private func string(_ json: String) throws(ObjectCodecError) -> String {
        var r = JSONPullReader(Array(json.utf8))
        return try r.readString()
    }

    @Test("escapes and surrogate pairs decode", arguments: [
        (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{8}\u{c}\n\r\t"),
        (#""\u00e9\u4e2d""#, "é中"),
        (#""\ud83d\ude00 ok""#, "😀 ok"),
        (#""\ud83d x""#, "\u{FFFD} x"),
        (#""\ude00""#, "\u{FFFD}"),
        (#""\ud83d\u0041""#, "\u{FFFD}A"),
        ("\"h\u{e9}llo \u{1F600}\"", "h\u{e9}llo \u{1F600}"),
    ])
    func escapes(input: String, expected: String) throws {
        #expect(try string(input) == expected)
    }

    @Test("special bytes at every position of the word-at-a-time scan", arguments: Array(0..<20))
    func specialAtEveryPosition(position: Int) throws {
        let pad = String(repeating: "a", count: position)
        #expect(try string("\"" + pad + "\\n" + pad + "\"") == pad + "\n" + pad)
        #expect(try string("\"" + pad + "é" + pad + "\"") == pad + "é" + pad)
        #expect(try string("\"" + pad + "\"") == pad)
        #expect(throws: ObjectCodecError.self) { try string("\"" + pad + "\u{1}" + pad + "\"") }
        // Member names go through the same scan.
        var r = JSONPullReader(Array(("{\"" + pad + "\\u0041\":1,\"" + pad + "\":2}").utf8))
        var keys: [String] = []
        try r.readObject { (r, key) throws(ObjectCodecError) in
            keys.append(key.string)
            try r.skipValue()
        }
        #expect(keys == [pad + "A", pad])
    }

    @Test("invalid UTF-8 in a string is invalidValue naming the path")
    func badUTF8() throws {
        var bytes = Array(#"{"metadata":{"name":"ab"}}"#.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "b"))!
        bytes[at] = 0xC3  // a lead byte followed by '"'
        #expect(throws: ObjectCodecError.invalidValue(path: "metadata.name", reason: "invalid UTF-8 in string at offset \(at - 1)")) {
            try Pod(json: bytes)
        }
    }

    @Test("control characters and bad escapes are malformed")
    func badStrings() {
        #expect(throws: ObjectCodecError.self) { try string("\"a\nb\"") }
        #expect(throws: ObjectCodecError.self) { try string(#""\x""#) }
        #expect(throws: ObjectCodecError.self) { try string(#""\u12g4""#) }
        #expect(throws: ObjectCodecError.malformed(.unexpectedEnd)) { try string(#""abc"#) }
    }

    @Test("integers: exact, range-checked, floats refused")
    func integers() throws {
        var r = JSONPullReader(Array("[0,-1,2147483647,-9223372036854775808,9223372036854775807]".utf8))
        var values: [Int64] = []
        try r.readArray { (r, _) throws(ObjectCodecError) in values.append(try r.readInt64()) }
        #expect(values == [0, -1, 2_147_483_647, Int64.min, Int64.max])

        for (text, reason) in [
            ("2147483648", "value 2147483648 out of range for int32"),
            ("1.5", "cannot use number 1.5 as int32: not an integer"),
            ("1e3", "cannot use number 1e3 as int32: not an integer"),
            ("99999999999999999999999", "value 99999999999999999999999 out of range for int32"),
        ] {
            let json = #"{"spec":{"replicas":\#(text)}}"#
            #expect(throws: ObjectCodecError.invalidValue(path: "spec.replicas", reason: reason)) {
                try Deployment(json: Array(json.utf8))
            }
        }
        #expect(throws: ObjectCodecError.self) {
            var r = JSONPullReader(Array("01".utf8))
            _ = try r.readInt64()
        }
    }

    @Test("wrong types name the full path", arguments: [
        (#"{"spec":{"containers":[{"name":"a"},{"name":5}]}}"#, "spec.containers[1].name", "string", "number"),
        (#"{"spec":{"replicas":"3"}}"#, "spec.replicas", "integer", "string"),
        (#"{"metadata":{"labels":{"app":true}}}"#, "metadata.labels.app", "string", "bool"),
        (#"{"spec":{"containers":{}}}"#, "spec.containers", "array", "object"),
        (#"{"spec":[]}"#, "spec", "object", "array"),
        (#"{"spec":{"template":{"spec":{"containers":[{"ports":[{"containerPort":80,"hostPort":[]}]}]}}}}"#,
         "spec.template.spec.containers[0].ports[0].hostPort", "integer", "array"),
    ])
    func wrongTypes(json: String, path: String, expected: String, found: String) throws {
        let bytes = Array(json.utf8)
        let error = ObjectCodecError.wrongType(path: path, expected: expected, found: found)
        if json.contains("replicas") || json.contains("template") {
            #expect(throws: error) { try Deployment(json: bytes) }
        } else {
            #expect(throws: error) { try Pod(json: bytes) }
        }
    }

    @Test("truncated input at every length is an error, never a crash")
    func truncated() throws {
        let full = try Fixtures.bytes("served/pod-running.json")
        var failures = 0
        for length in stride(from: 0, to: full.count - 1, by: 7) {
            do {
                _ = try Pod(json: Array(full[0..<length]))
            } catch {
                failures += 1
            }
        }
        #expect(failures == (full.count - 1 + 6) / 7)
    }

    @Test("deep nesting is refused with tooDeep", arguments: [150, 5000])
    func deepNesting(depth: Int) {
        let json = #"{"metadata":{"x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}"
        #expect {
            try Pod(json: Array(json.utf8))
        } throws: { error in
            guard case .malformed(.tooDeep) = error as? ObjectCodecError else { return false }
            return true
        }
    }

    @Test("null reads as the zero value for every field type")
    func nulls() throws {
        let json = #"{"kind":"Pod","apiVersion":"v1","metadata":{"name":null,"creationTimestamp":null,"labels":null},"spec":{"containers":null,"priority":null,"hostNetwork":null,"affinity":null},"status":null}"#
        let pod = try Pod(json: Array(json.utf8))
        #expect(pod == Pod())
    }

    @Test("wrong kind or apiVersion is wrongKind; trailing bytes are malformed")
    func kindChecks() {
        #expect(throws: ObjectCodecError.wrongKind(expected: "Pod", found: "Service")) {
            try Pod(json: Array(#"{"kind":"Service"}"#.utf8))
        }
        #expect(throws: ObjectCodecError.wrongKind(expected: "apps/v1", found: "v1")) {
            try Deployment(json: Array(#"{"apiVersion":"v1","kind":"Deployment"}"#.utf8))
        }
        #expect(throws: ObjectCodecError.self) { try Pod(json: Array(#"{} x"#.utf8)) }
        #expect(throws: ObjectCodecError.wrongType(path: "", expected: "object", found: "array")) {
            try Pod(json: Array("[]".utf8))
        }
    }

    @Test("unknown members keep their order and values through a round trip")
    func unknownMembers() throws {
        let json = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","managedFields":[{"manager":"kubectl"}]},"data":{"b":"2","a":"1"},"zeta":{"n":1.50},"alpha":[null,true]}"#
        let cm = try ConfigMap(json: Array(json.utf8))
        #expect(cm.unknownFields.members.map(\.key) == ["zeta", "alpha"])
        #expect(cm.metadata.unknownFields["managedFields"] != nil)
        let out = String(decoding: cm.encodeJSON(), as: UTF8.self)
        #expect(out == #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","managedFields":[{"manager":"kubectl"}]},"data":{"a":"1","b":"2"},"zeta":{"n":1.50},"alpha":[null,true]}"#)
    }
}
