import JSON
import Testing
@testable import Patch

@Suite struct ServerSideApplyTests {
    private let schema = StrategicMergeSchema.forKind("Deployment")

    private static let config = #"""
    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
     "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
        {"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]},{"name":"sidecar","image":"busybox"}]}}}}
    """#

    private func apply(_ config: String, to live: JSONValue?, manager: String = "kubectl",
                       force: Bool = false) throws -> ServerSideApply.Result {
        try ServerSideApply.apply(try json(config), to: live, manager: manager, apiVersion: "apps/v1",
                                  force: force, schema: schema, time: "2026-11-23T17:00:00Z")
    }

    @Test func createRecordsOwnershipInFieldsV1() throws {
        let result = try apply(Self.config, to: nil)
        #expect(result.object["spec"]?["replicas"] == .number("2"))
        #expect(result.managedFields.count == 1)
        let entry = try #require(result.managedFields.first)
        #expect(entry.manager == "kubectl" && entry.operation == .apply)
        #expect(text(entry.fields.json()) == #"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{"f:matchLabels":{"f:app":{}}},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80}":{".":{},"f:containerPort":{}}}},"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:name":{}}}}}}}"#)
        // The serialized entry is what kubectl shows and what the next apply reads back.
        let stored = try #require(result.object["metadata"]?["managedFields"])
        #expect(text(stored).hasPrefix(#"[{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2026-11-23T17:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"#))
        #expect(try ManagedFieldsEntry.entries(of: result.object) == result.managedFields)
    }

    @Test func reapplyingUnchangedIsANoOp() throws {
        let first = try apply(Self.config, to: nil)
        let second = try apply(Self.config, to: first.object)
        #expect(second.object == first.object)
        #expect(second.managedFields == first.managedFields)
        // Even at a later time: only a real change moves the entry's timestamp.
        let later = try ServerSideApply.apply(try json(Self.config), to: first.object, manager: "kubectl",
                                              apiVersion: "apps/v1", schema: schema, time: "2026-11-24T00:00:00Z")
        #expect(later.object == first.object)
        let fourReplicas = MergePatch.apply(try json(#"{"spec":{"replicas":4}}"#), to: try json(Self.config))
        let changed = try ServerSideApply.apply(fourReplicas, to: first.object, manager: "kubectl",
                                                apiVersion: "apps/v1", schema: schema, time: "2026-11-24T00:00:00Z")
        #expect(changed.managedFields.first?.time == "2026-11-24T00:00:00Z")
        #expect(changed.object["spec"]?["replicas"] == .number("4"))
    }

    @Test func managedFieldsKeepTheirPlaceInMetadata() throws {
        // As a real server stores it: managedFields between other metadata members.
        let live = try json(#"{"metadata":{"name":"web","managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}],"uid":"u1"},"spec":{"replicas":2}}"#)
        let again = try apply(#"{"metadata":{"name":"web"},"spec":{"replicas":2}}"#, to: live)
        guard case .object(let meta)? = again.object["metadata"] else { Issue.record("no metadata"); return }
        #expect(meta.map(\.key) == ["name", "managedFields", "uid"])
        let updated = try ServerSideApply.recordUpdate(from: live, to: live, manager: "x", apiVersion: "apps/v1", schema: schema)
        #expect(updated.object == live)
        // Stored in another member order (as a Go server writes it), a no-op apply still returns
        // the stored object untouched.
        let goOrder = try json(#"{"metadata":{"name":"web","managedFields":[{"apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"manager":"kubectl","operation":"Apply","time":"2026-01-01T00:00:00Z"}]},"spec":{"replicas":2}}"#)
        let noOp = try apply(#"{"metadata":{"name":"web"},"spec":{"replicas":2}}"#, to: goOrder)
        #expect(noOp.object == goOrder)
    }

    @Test func droppedFieldsAreRemoved() throws {
        let first = try apply(Self.config, to: nil)
        let sparse = #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}
        """#
        let second = try apply(sparse, to: first.object)
        #expect(second.object["spec"]?["replicas"] == nil)
        #expect(second.object["metadata"]?["labels"]?["app"] == nil)
        let containers = try #require(second.object["spec"]?["template"]?["spec"]?["containers"])
        #expect(text(containers) == #"[{"name":"nginx","image":"nginx:1.25"}]"#)
    }

    @Test func fieldsOwnedByOthersSurviveASparseApply() throws {
        // §2.3: kubectl's second apply as "kubectl-last-applied" carries only the annotation.
        let first = try apply(Self.config, to: nil)
        let second = try apply(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"}}}"#,
                               to: first.object, manager: "kubectl-last-applied")
        #expect(second.object["spec"]?["replicas"] == .number("2"))
        #expect(second.managedFields.map(\.manager) == ["kubectl", "kubectl-last-applied"])
        // Now kubectl drops its label; another manager that also set it keeps it alive.
        let labelled = try apply(#"{"metadata":{"name":"web","labels":{"app":"web"}}}"#, to: second.object, manager: "labeller")
        let dropped = try apply(#"{"metadata":{"name":"web"},"spec":{"replicas":2}}"#, to: labelled.object)
        #expect(dropped.object["metadata"]?["labels"]?["app"] == .string("web"))
        #expect(dropped.object["spec"]?["template"] == nil)
    }

    @Test func conflictWithAnotherManagerAndForce() throws {
        let created = try apply(Self.config, to: nil)
        // A controller scales with a plain update.
        let scaledObject = MergePatch.apply(try json(#"{"spec":{"replicas":5}}"#), to: created.object)
        let scaled = try ServerSideApply.recordUpdate(from: created.object, to: scaledObject, manager: "scaler",
                                                      apiVersion: "apps/v1", schema: schema)
        #expect(scaled.managedFields.map(\.manager) == ["kubectl", "scaler"])
        #expect(scaled.managedFields[0].fields.containsLeaf(["f:spec", "f:replicas"]) == false)
        // Another applier wanting replicas 3 conflicts with the scaler.
        let other = #"{"metadata":{"name":"web"},"spec":{"replicas":3}}"#
        #expect(throws: PatchError.conflicts([ApplyConflict(manager: "scaler", apiVersion: "apps/v1", path: ".spec.replicas")])) {
            try apply(other, to: scaled.object, manager: "ci")
        }
        // Setting the same value is shared ownership, no conflict.
        let shared = try apply(#"{"metadata":{"name":"web"},"spec":{"replicas":5}}"#, to: scaled.object, manager: "ci")
        #expect(shared.managedFields.first { $0.manager == "scaler" }?.fields.containsLeaf(["f:spec", "f:replicas"]) == true)
        // Force takes the field over.
        let forced = try apply(other, to: scaled.object, manager: "ci", force: true)
        #expect(forced.object["spec"]?["replicas"] == .number("3"))
        #expect(forced.managedFields.map(\.manager) == ["kubectl", "ci"])
        #expect(PatchError.conflicts([ApplyConflict(manager: "scaler", apiVersion: "apps/v1", path: ".spec.replicas")]).description
                == #"Apply failed with 1 conflict: conflict with "scaler" using apps/v1: .spec.replicas"#)
    }

    @Test func conflictPathsNameListElementsByKey() throws {
        let created = try apply(Self.config, to: nil)
        #expect(throws: PatchError.conflicts([ApplyConflict(manager: "kubectl", apiVersion: "apps/v1", path: #".spec.template.spec.containers[name="nginx"].image"#)])) {
            try apply(#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}"#, to: created.object, manager: "bot")
        }
    }

    @Test func elementKeptWhileAnotherManagerOwnsPartOfIt() throws {
        let created = try apply(Self.config, to: nil)
        let bot = try apply(#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}"#,
                            to: created.object, manager: "bot")
        let dropped = try apply(#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}"#,
                                to: bot.object)
        let containers = try #require(dropped.object["spec"]?["template"]?["spec"]?["containers"])
        #expect(text(containers) == #"[{"name":"nginx","image":"nginx:1.25"},{"name":"sidecar","image":"busybox"}]"#)
    }

    @Test func primitiveSetMembersAreOwnedOneByOne() throws {
        let first = try apply(#"{"metadata":{"name":"web","finalizers":["a","b"]}}"#, to: nil)
        #expect(text(try #require(first.managedFields.first).fields.json()) == #"{"f:metadata":{"f:finalizers":{"v:\"a\"":{},"v:\"b\"":{}}}}"#)
        let other = try apply(#"{"metadata":{"name":"web","finalizers":["c"]}}"#, to: first.object, manager: "gc")
        #expect(text(try #require(other.object["metadata"]?["finalizers"])) == #"["a","b","c"]"#)
        let dropped = try apply(#"{"metadata":{"name":"web","finalizers":["a"]}}"#, to: other.object)
        #expect(text(try #require(dropped.object["metadata"]?["finalizers"])) == #"["a","c"]"#)
    }

    @Test func updateOfAListElementIsOwnedByKey() throws {
        let created = try apply(Self.config, to: nil)
        let patched = try StrategicMergePatch.apply(try json(#"{"spec":{"template":{"spec":{"containers":[{"name":"debug","image":"busybox"}]}}}}"#),
                                                    to: created.object, schema: schema)
        let result = try ServerSideApply.recordUpdate(from: created.object, to: patched, manager: "kubectl-edit",
                                                      apiVersion: "apps/v1", schema: schema, time: "t")
        let edit = try #require(result.managedFields.first { $0.manager == "kubectl-edit" })
        #expect(edit.operation == .update && edit.time == "t")
        #expect(text(edit.fields.json()) == #"{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"debug\"}":{".":{},"f:image":{},"f:name":{}}}}}}}"#)
        // The applier keeps what it had.
        #expect(result.managedFields.first { $0.manager == "kubectl" } == created.managedFields.first)
    }

    @Test func keyedListWithAKeylessElementIsOwnedWhole() throws {
        let before = try json(#"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"}]}}}}"#)
        let after = try json(#"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"y"},{"image":"nameless"}]}}}}"#)
        let result = try ServerSideApply.recordUpdate(from: before, to: after, manager: "m", apiVersion: "v1", schema: schema)
        #expect(text(try #require(result.managedFields.first).fields.json()) == #"{"f:spec":{"f:template":{"f:spec":{"f:containers":{}}}}}"#)
    }

    @Test func staleOwnershipOfAMissingFieldDoesNotConflict() throws {
        // "bot" still owns .spec.paused in managedFields, but the field is gone from the object.
        let live = try json(#"{"metadata":{"name":"web","managedFields":[{"manager":"bot","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:paused":{}}}}]},"spec":{}}"#)
        let result = try apply(#"{"metadata":{"name":"web"},"spec":{"paused":true}}"#, to: live)
        #expect(result.object["spec"]?["paused"] == .bool(true))
        #expect(result.managedFields.map(\.manager) == ["bot", "kubectl"])
    }

    @Test func conflictsWithSeveralManagersAreSortedAndAllReported() throws {
        let live = try json(#"{"metadata":{"name":"web","managedFields":[{"manager":"zeta","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}},{"manager":"alpha","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:paused":{},"f:replicas":{}}}}]},"spec":{"replicas":1,"paused":false}}"#)
        let error = #expect(throws: PatchError.self) {
            try apply(#"{"metadata":{"name":"web"},"spec":{"replicas":2,"paused":true}}"#, to: live)
        }
        #expect(error == .conflicts([
            ApplyConflict(manager: "alpha", apiVersion: "apps/v1", path: ".spec.paused"),
            ApplyConflict(manager: "alpha", apiVersion: "apps/v1", path: ".spec.replicas"),
            ApplyConflict(manager: "zeta", apiVersion: "apps/v1", path: ".spec.replicas"),
        ]))
        #expect(error?.description.hasPrefix("Apply failed with 3 conflicts: ") == true)
    }

    @Test func badInputIsATypedError() throws {
        #expect(throws: PatchError.self) { try apply(#"[1]"#, to: nil) }
        let broken = try json(#"{"metadata":{"managedFields":[{"manager":"x","operation":"Smash"}]}}"#)
        #expect(throws: PatchError.invalidManagedFields(reason: #"entry for "x": operation must be "Apply" or "Update""#)) {
            try ServerSideApply.apply(try json("{}"), to: broken, manager: "m", apiVersion: "v1", schema: .unknown)
        }
    }

    @Test func updateRemovingAFieldReleasesOwnership() throws {
        let created = try apply(Self.config, to: nil)
        let edited = try StrategicMergePatch.apply(try json(#"{"metadata":{"labels":null}}"#), to: created.object, schema: schema)
        let result = try ServerSideApply.recordUpdate(from: created.object, to: edited, manager: "kubectl-edit",
                                                      apiVersion: "apps/v1", schema: schema)
        #expect(result.managedFields.count == 1)
        #expect(result.managedFields[0].fields.touches(["f:metadata", "f:labels"]) == false)
    }

    @Test func fieldSetRoundTripsThroughJSON() throws {
        let set = FieldSet.fields(of: try json(Self.config), schema: schema)
        #expect(try FieldSet(json: set.json()) == set)
        #expect(FieldSet.describe(["f:metadata", "f:finalizers", #"v:"a""#]) == #".metadata.finalizers[="a"]"#)
    }
}

