import Testing
@testable import Objects

@Suite("Field selectors")
struct FieldSelectorTests {
    @Test("parse, sort and print")
    func parseAndPrint() throws {
        let s = try FieldSelector(parsing: "status.phase==Running,metadata.name=x,spec.nodeName!=")
        #expect(s.terms == [
            .init(field: "metadata.name", value: "x"),
            .init(field: "spec.nodeName", value: "", negated: true),
            .init(field: "status.phase", value: "Running"),
        ])
        #expect(s.description == "metadata.name=x,spec.nodeName!=,status.phase=Running")
        #expect(try FieldSelector(parsing: s.description) == s)
        #expect(s.requiredValue(for: "metadata.name") == "x")
        #expect(s.requiredValue(for: "spec.nodeName") == nil)
    }

    @Test("kubectl's event query parses")
    func kubectlEvents() throws {
        let s = try FieldSelector(parsing: "involvedObject.uid=5c1e,involvedObject.name=web-0,involvedObject.namespace=default")
        #expect(s.matches(["involvedObject.uid": "5c1e", "involvedObject.name": "web-0", "involvedObject.namespace": "default"]))
        #expect(!s.matches(["involvedObject.uid": "5c1e", "involvedObject.name": "web-1", "involvedObject.namespace": "default"]))
    }

    @Test("escapes: \\, \\= and \\\\ in values")
    func escapes() throws {
        let s = try FieldSelector(parsing: #"metadata.name=a\,b\=c\\d"#)
        #expect(s.terms == [.init(field: "metadata.name", value: #"a,b=c\d"#)])
        #expect(s.description == #"metadata.name=a\,b\=c\\d"#)
        #expect(try FieldSelector(parsing: s.description) == s)
    }

    @Test("errors use Kubernetes' wording", arguments: [
        ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
        ("a=b,cd", "invalid selector: 'a=b,cd'; can't understand 'cd'"),
        ("a=b=c", "invalid field selector: unescaped character in value: ="),
        (#"a=b\x"#, #"invalid field selector: invalid escape sequence: \x"#),
        (#"a=b\"#, #"invalid field selector: invalid escape sequence: \"#),
    ])
    func errors(text: String, message: String) {
        #expect {
            _ = try FieldSelector(parsing: text)
        } throws: { error in
            (error as? FieldSelectorError)?.description == message
        }
    }

    @Test("matching: missing fields read as empty", arguments: [
        ("spec.nodeName=", [:], true),
        ("spec.nodeName=", ["spec.nodeName": "n1"], false),
        ("spec.nodeName!=", ["spec.nodeName": "n1"], true),
        ("spec.nodeName!=", [:], false),
        ("status.phase!=Failed,status.phase!=Succeeded", ["status.phase": "Running"], true),
        ("status.phase!=Failed,status.phase!=Succeeded", ["status.phase": "Failed"], false),
        ("", [:], true),
        (",,", [:], true),
    ] as [(String, [String: String], Bool)])
    func matching(text: String, fields: [String: String], expected: Bool) throws {
        let s = try FieldSelector(parsing: text)
        #expect(s.matches(fields) == expected)
        #expect(s.matches { fields[$0] } == expected)
    }
}
