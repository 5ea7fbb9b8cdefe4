import JSON
import Testing
@testable import Objects

@Suite("JSONWriter: commas, escapes, omitempty, sorted maps")
struct JSONWriterTests {
    private func text(_ build: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        build(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test("nested objects and arrays get commas in the right places")
    func structure() {
        let out = text { w in
            w.beginObject()
            w.key("a"); w.beginArray(); w.value(1); w.beginObject(); w.endObject(); w.beginArray(); w.endArray(); w.value("x"); w.endArray()
            w.key("b"); w.value(true)
            w.key("c"); w.nullValue()
            w.endObject()
        }
        #expect(out == #"{"a":[1,{},[],"x"],"b":true,"c":null}"#)
    }

    @Test("strings are escaped and parse back to themselves", arguments: [
        "plain", "quote\"back\\slash", "line\nfeed\ttab\r", "\u{1}\u{1f}", "é中😀", "",
    ])
    func escaping(value: String) throws {
        let out = text { w in w.value(value) }
        #expect(try JSONParser.parse(Array(out.utf8)) == .string(value))
        var r = JSONPullReader(Array(out.utf8))
        #expect(try r.readString() == value)
    }

    @Test("integers at the extremes")
    func integers() {
        let out = text { w in
            w.beginArray()
            for n: Int64 in [0, 7, -7, 10, 1234567890, Int64.max, Int64.min] { w.value(n) }
            w.value(UInt64.max)
            w.endArray()
        }
        #expect(out == "[0,7,-7,10,1234567890,9223372036854775807,-9223372036854775808,18446744073709551615]")
    }

    @Test("omitempty helpers leave zero values out; pointer helpers keep set zeros")
    func omitEmpty() {
        let out = text { w in
            w.beginObject()
            w.member("s", "")
            w.member("i", Int32(0))
            w.member("b", false)
            w.member("l", [String]())
            w.member("m", [String: String]())
            w.member("ps", Optional(""))
            w.member("pi", Optional(Int32(0)))
            w.member("pb", Optional(false))
            w.requiredMember("r", "")
            w.member("map", ["b": "2", "a": "1", "c": "3"])
            w.endObject()
        }
        #expect(out == #"{"ps":"","pi":0,"pb":false,"r":"","map":{"a":"1","b":"2","c":"3"}}"#)
    }

    @Test("pre-encoded objects splice into a list")
    func rawValues() throws {
        var cm = ConfigMap()
        cm.metadata.name = "a"
        let item = cm.encodeJSON()
        let out = text { w in
            w.beginObject()
            w.key("kind"); w.value("ConfigMapList")
            w.key("items"); w.beginArray(); w.rawValue(item); w.rawValue(item); w.endArray()
            w.endObject()
        }
        #expect(out == #"{"kind":"ConfigMapList","items":[{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}},{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}]}"#)
    }

    @Test("int-or-string and quantities keep what was written")
    func intOrStringAndQuantities() throws {
        let json = #"{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":"https"}]}}"#
        let svc = try Service(json: Array(json.utf8))
        #expect(svc.spec.ports.map(\.targetPort) == [.int(8080), .string("https")])
        #expect(throws: ObjectCodecError.wrongType(path: "spec.ports[0].targetPort", expected: "integer or string", found: "bool")) {
            try Service(json: Array(#"{"spec":{"ports":[{"targetPort":true}]}}"#.utf8))
        }
        let pod = try Pod(json: Array(#"{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":2,"memory":"1.5Gi"}}}]}}"#.utf8))
        #expect(pod.spec.containers[0].resources.limits == ["cpu": "2", "memory": "1.5Gi"])
        #expect(String(decoding: pod.encodeJSON(), as: UTF8.self).contains(#""limits":{"cpu":"2","memory":"1.5Gi"}"#))
        #expect(throws: ObjectCodecError.wrongType(path: "spec.containers[0].resources.requests.cpu", expected: "quantity string", found: "array")) {
            try Pod(json: Array(#"{"spec":{"containers":[{"resources":{"requests":{"cpu":[]}}}]}}"#.utf8))
        }
    }
}
