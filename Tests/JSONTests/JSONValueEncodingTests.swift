import Testing
import JSON

@Suite struct JSONValueEncodingTests {
    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"x\"y\n"},"e":-1.5e3}"#,
        #"[]"#, #"{}"#, #""\u0001""#, #"[{"z":0,"a":1}]"#,
    ])
    func roundTripsCompactText(_ text: String) throws {
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(String(decoding: value.encoded(), as: UTF8.self) == text)
    }

    @Test func keepsMemberOrderAndNumberText() throws {
        let value = JSONValue.object([("b", .number("10")), ("a", .number("1.50"))])
        #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"b":10,"a":1.50}"#)
    }
}
