import JSON
import Testing
@testable import Patch

/// RFC 6902 behaviour, from the cases the RFC describes (written fresh, not copied).
@Suite struct JSONPatchTests {
    private func apply(_ patch: String, _ doc: String) throws -> JSONValue {
        try JSONPatch.apply(try json(patch), to: try json(doc))
    }

    @Test func addObjectMember() throws {
        let out = try apply(#"[{"op":"add","path":"/b","value":"x"}]"#, #"{"a":1}"#)
        #expect(text(out) == #"{"a":1,"b":"x"}"#)
    }

    @Test func addInsertsIntoArrayAndAppendsWithDash() throws {
        let out = try apply(#"[{"op":"add","path":"/l/1","value":"m"},{"op":"add","path":"/l/-","value":"z"}]"#,
                            #"{"l":["a","b"]}"#)
        #expect(text(out) == #"{"l":["a","m","b","z"]}"#)
    }

    @Test func addReplacesExistingMemberAndWholeDocument() throws {
        #expect(text(try apply(#"[{"op":"add","path":"/a","value":[1]}]"#, #"{"a":1}"#)) == #"{"a":[1]}"#)
        #expect(text(try apply(#"[{"op":"add","path":"","value":{"n":true}}]"#, #"[1,2]"#)) == #"{"n":true}"#)
    }

    @Test func addNestedMemberNeedsExistingParent() throws {
        #expect(throws: PatchError.pathNotFound(index: 0, op: "add", path: "/x/y", reason: "missing value")) {
            try apply(#"[{"op":"add","path":"/x/y","value":1}]"#, #"{"a":1}"#)
        }
    }

    @Test func removeMemberAndElement() throws {
        let out = try apply(#"[{"op":"remove","path":"/a"},{"op":"remove","path":"/l/0"}]"#, #"{"a":1,"l":[1,2],"b":2}"#)
        #expect(text(out) == #"{"l":[2],"b":2}"#)
    }

    @Test func replaceNeedsExistingTarget() throws {
        #expect(text(try apply(#"[{"op":"replace","path":"/spec/replicas","value":5}]"#,
                               #"{"spec":{"replicas":2}}"#)) == #"{"spec":{"replicas":5}}"#)
        #expect(throws: PatchError.pathNotFound(index: 0, op: "replace", path: "/spec/paused", reason: "missing value")) {
            try apply(#"[{"op":"replace","path":"/spec/paused","value":true}]"#, #"{"spec":{}}"#)
        }
    }

    @Test func moveAndCopy() throws {
        let moved = try apply(#"[{"op":"move","from":"/a/b","path":"/c"}]"#, #"{"a":{"b":1,"k":2}}"#)
        #expect(text(moved) == #"{"a":{"k":2},"c":1}"#)
        let reordered = try apply(#"[{"op":"move","from":"/l/0","path":"/l/2"}]"#, #"{"l":[1,2,3]}"#)
        #expect(text(reordered) == #"{"l":[2,3,1]}"#)
        let copied = try apply(#"[{"op":"copy","from":"/a","path":"/b"}]"#, #"{"a":{"x":[1]}}"#)
        #expect(text(copied) == #"{"a":{"x":[1]},"b":{"x":[1]}}"#)
    }

    @Test func moveIntoOwnChildIsRejected() throws {
        #expect(throws: PatchError.self) {
            try apply(#"[{"op":"move","from":"/a","path":"/a/b"}]"#, #"{"a":{}}"#)
        }
    }

    @Test func testComparesByValueNotSpelling() throws {
        // Numbers by value, objects regardless of member order.
        _ = try apply(#"[{"op":"test","path":"/n","value":1.0},{"op":"test","path":"/o","value":{"b":2,"a":1}}]"#,
                      #"{"n":1,"o":{"a":1,"b":2}}"#)
        #expect(throws: PatchError.testFailed(index: 1, path: "/s")) {
            try apply(#"[{"op":"test","path":"/n","value":1},{"op":"test","path":"/s","value":"no"}]"#,
                      #"{"n":1,"s":"yes"}"#)
        }
        #expect(throws: PatchError.testFailed(index: 0, path: "/missing")) {
            try apply(#"[{"op":"test","path":"/missing","value":null}]"#, #"{}"#)
        }
    }

    @Test func pointerEscapes() throws {
        let out = try apply(#"[{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"},{"op":"remove","path":"/a~0b"}]"#,
                            #"{"metadata":{"labels":{}},"a~b":1}"#)
        #expect(text(out) == #"{"metadata":{"labels":{"app.kubernetes.io/name":"web"}}}"#)
        let pointer = try JSONPointer(parsing: "/a~1b/c~0d/")
        #expect(pointer.tokens == ["a/b", "c~d", ""])
        #expect(pointer.description == "/a~1b/c~0d/")
    }

    @Test func failureIsAtomicAndNamesTheOperation() throws {
        let doc = try json(#"{"a":1,"l":[1]}"#)
        let patch = try json(#"[{"op":"add","path":"/b","value":2},{"op":"remove","path":"/l/5"}]"#)
        #expect(throws: PatchError.pathNotFound(index: 1, op: "remove", path: "/l/5",
                                                reason: "index 5 is out of bounds for an array of 1")) {
            try JSONPatch.apply(patch, to: doc)
        }
        #expect(text(doc) == #"{"a":1,"l":[1]}"#)
    }

    @Test(arguments: [
        (#"{"op":"add"}"#, "[0] missing path"),
        (#"{"op":"frob","path":"/a"}"#, "[0] unknown op"),
        (#"{"path":"/a"}"#, "[0] missing op"),
        (#"{"op":"add","path":"/a"}"#, "[0] missing value"),
        (#"{"op":"move","path":"/a"}"#, "[0] missing from"),
        (#"{"op":"add","path":"a","value":1}"#, "[0] pointer without slash"),
        (#"{"op":"add","path":"/a~2","value":1}"#, "[0] bad escape"),
        (#"{"op":"remove","path":"/l/01"}"#, "leading zero index"),
        (#"{"op":"remove","path":"/l/-"}"#, "dash only for add"),
    ])
    func malformedOperationsFailWithoutChange(operation: String, label: String) throws {
        let doc = try json(#"{"a":1,"l":[1,2]}"#)
        let patch = try json("[\(operation),{\"op\":\"test\",\"path\":\"/nope\",\"value\":1}]")
        // The malformed operation (index 0) is the one blamed, not the failing test after it.
        let error = #expect(throws: PatchError.self, "\(label)") { try JSONPatch.apply(patch, to: doc) }
        switch error {
        case .invalidOperation(let index, _, _)?, .invalidPointer(let index, _, _)?, .pathNotFound(let index, _, _, _)?:
            #expect(index == 0, "\(label): \(String(describing: error))")
        default:
            Issue.record("\(label): unexpected \(String(describing: error))")
        }
        #expect(text(doc) == #"{"a":1,"l":[1,2]}"#)
    }

    @Test func operationCountIsLimited() throws {
        let op = try json(#"{"op":"test","path":"","value":{}}"#)
        let atLimit = JSONValue.array(Array(repeating: op, count: JSONPatch.maxOperations))
        #expect(try JSONPatch.apply(atLimit, to: .object([])) == .object([]))
        let over = JSONValue.array(Array(repeating: op, count: JSONPatch.maxOperations + 1))
        #expect(throws: PatchError.tooManyOperations(count: 10_001, limit: 10_000)) {
            try JSONPatch.apply(over, to: .object([]))
        }
        #expect(PatchError.tooManyOperations(count: 10_001, limit: 10_000).httpStatus == 413)
    }

    @Test func repeatedCopiesAreBounded() throws {
        // Each copy of the root doubles the document; 40 of them would need terabytes.
        let ops = (0..<40).map { i in #"{"op":"copy","from":"","path":"/c\#(i)"}"# }.joined(separator: ",")
        let doc = try json(#"{"seed":"0123456789012345678901234567890123456789"}"#)
        let error = #expect(throws: PatchError.self) { try JSONPatch.apply(try json("[\(ops)]"), to: doc) }
        guard case .invalidOperation(let index, "copy", _)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(index > 10 && index < 40)
        // A few copies are fine.
        let few = try JSONPatch.apply(try json(#"[{"op":"copy","from":"/seed","path":"/again"}]"#), to: doc)
        #expect(few["again"] == doc["seed"])
    }

    @Test func patchMustBeAnArray() throws {
        #expect(throws: PatchError.invalidPatch(reason: "a JSON patch must be a JSON array of operations, not a object")) {
            try apply(#"{"op":"add"}"#, #"{}"#)
        }
    }

    @Test func pythonClientListBody() throws {
        // KUBERNETES-API.md §3: the Python client sends a list body as application/json-patch+json.
        let deployment = try json(#"{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}"#)
        let out = try JSONPatch.apply(try json(#"[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.26"},{"op":"replace","path":"/spec/replicas","value":3}]"#),
                                      to: deployment)
        #expect(text(out) == #"{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}"#)
    }

    @Test func errorMessagesReadLikeKubernetes() {
        let e = PatchError.pathNotFound(index: 0, op: "replace", path: "/spec/x", reason: "missing value")
        #expect(e.description == #"json patch replace operation 0 does not apply: doc is missing path: "/spec/x": missing value"#)
        #expect(PatchError.statusMessage == "the server rejected our request due to an error in our request")
    }
}
