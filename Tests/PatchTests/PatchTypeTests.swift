import JSON
import Testing
@testable import Patch

@Suite struct PatchTypeTests {
    @Test func contentTypesMapToPatchTypes() {
        #expect(PatchType(contentType: "application/strategic-merge-patch+json") == .strategicMergePatch)
        #expect(PatchType(contentType: "Application/Merge-Patch+JSON; charset=utf-8") == .mergePatch)
        #expect(PatchType(contentType: "application/json-patch+json") == .jsonPatch)
        #expect(PatchType(contentType: "application/apply-patch+yaml") == .applyPatch)
        #expect(PatchType(contentType: "application/json") == nil)
    }

    @Test func dispatchUsesTheKindsSchema() throws {
        let pod = try json(#"{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}"#)
        let patch = try json(#"{"spec":{"containers":[{"name":"b","image":"z"}]}}"#)
        let strategic = try PatchType.strategicMergePatch.apply(patch, to: pod, kind: "Pod")
        #expect(text(strategic) == #"{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"z"}]}}"#)
        let merge = try PatchType.mergePatch.apply(patch, to: pod, kind: "Pod")
        #expect(text(merge) == #"{"spec":{"containers":[{"name":"b","image":"z"}]}}"#)
        #expect(throws: PatchError.self) { try PatchType.mergePatch.apply(try json("[1]"), to: pod, kind: "Pod") }
        #expect(throws: PatchError.self) { try PatchType.applyPatch.apply(patch, to: pod, kind: "Pod") }
    }

    @Test func httpStatusesFollowKubernetes() {
        #expect(PatchError.invalidPatch(reason: "x").httpStatus == 400)
        #expect(PatchError.testFailed(index: 0, path: "/a").httpStatus == 422)
        #expect(PatchError.conflicts([]).httpStatus == 409)
        #expect(PatchError.conflicts([]).statusReason == "Conflict")
        #expect(PatchError.missingMergeKey(path: "spec.containers", mergeKey: "name").statusReason == "Invalid")
        #expect(PatchError.invalidOperation(index: 0, op: "add", reason: "missing \"value\"").statusReason == "BadRequest")
        #expect(PatchError.invalidManagedFields(reason: "x").statusReason == "InternalError")
    }
}
