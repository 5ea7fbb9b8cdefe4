import JSON
import Testing
@testable import Patch

/// RFC 7386 behaviour, from the cases the RFC describes (written fresh, not copied).
@Suite struct MergePatchTests {
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func rfcCases(original: String, patch: String, expected: String) throws {
        let out = MergePatch.apply(try json(patch), to: try json(original))
        #expect(text(out) == text(try json(expected)))
    }

    @Test func kubectlLabelAndScaleBodies() throws {
        // KUBERNETES-API.md §2.8 and §2.5.
        let deployment = try json(#"{"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}}}"#)
        let labelled = MergePatch.apply(try json(#"{"metadata":{"labels":{"tier":"frontend"}}}"#), to: deployment)
        #expect(text(labelled) == #"{"metadata":{"name":"web","labels":{"app":"web","tier":"frontend"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}}}"#)
        let scaled = MergePatch.apply(try json(#"{"spec":{"replicas":5}}"#), to: labelled)
        #expect(scaled["spec"]?["replicas"] == .number("5"))
        #expect(scaled["spec"]?["selector"] == deployment["spec"]?["selector"])
    }

    @Test(arguments: [
        (#"{"a":1,"b":{"c":2,"d":3},"l":[1]}"#, #"{"a":1,"b":{"c":5,"d":3},"l":[1,2],"n":"x"}"#),
        (#"{"a":1,"b":{"c":2}}"#, #"{"b":{}}"#),
        (#"{"a":{"b":{"c":1}}}"#, #"{"a":{"b":{"c":1}}}"#),
        (#"{"a":1}"#, #"[1]"#),
        (#"{"m":{"x":1}}"#, #"{"m":"flat"}"#),
    ])
    func createdPatchReproducesModified(original: String, modified: String) throws {
        let o = try json(original), m = try json(modified)
        let patch = MergePatch.create(from: o, to: m)
        #expect(JSONEquivalence.equal(MergePatch.apply(patch, to: o), m), "patch \(text(patch))")
    }

    @Test func createdPatchIsMinimal() throws {
        let patch = MergePatch.create(from: try json(#"{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"x":1}}"#),
                                      to: try json(#"{"metadata":{"labels":{"a":"1","c":"3"}},"spec":{"x":1}}"#))
        #expect(text(patch) == #"{"metadata":{"labels":{"b":null,"c":"3"}}}"#)
        #expect(text(MergePatch.create(from: try json(#"{"a":[1]}"#), to: try json(#"{"a":[1]}"#))) == "{}")
    }
}
