import JSON
import Testing
@testable import Patch

/// Properties over seeded random documents. A failure message carries the seed and iteration;
/// rerun the same argument to replay it exactly.
@Suite struct RandomizedPatchTests {
    static let seeds: [UInt64] = [1, 7, 42, 2026, 90_001]
    static let iterations = 150

    @Test(arguments: seeds)
    func createdMergePatchReproducesTheTarget(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for iteration in 0..<Self.iterations {
            let original = RandomDocuments.object(&rng, depth: 3, nulls: false)
            let modified = RandomDocuments.object(&rng, depth: 3, nulls: false)
            let patch = MergePatch.create(from: original, to: modified)
            let result = MergePatch.apply(patch, to: original)
            #expect(JSONEquivalence.equal(result, modified),
                    "seed \(seed) iteration \(iteration): \(text(original)) -> \(text(modified)) via \(text(patch)) gave \(text(result))")
        }
    }

    @Test(arguments: seeds)
    func strategicMergeWithoutSchemaIsMergePatch(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for iteration in 0..<Self.iterations {
            let original = RandomDocuments.object(&rng, depth: 3, nulls: false)
            let patch = RandomDocuments.object(&rng, depth: 3, nulls: true)
            let merge = MergePatch.apply(patch, to: original)
            let strategic = try StrategicMergePatch.apply(patch, to: original, schema: .unknown)
            #expect(strategic == merge,
                    "seed \(seed) iteration \(iteration): patch \(text(patch)) on \(text(original)): \(text(strategic)) vs \(text(merge))")
        }
    }

    @Test(arguments: seeds)
    func addThenRemoveAndCopyThenTestRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for iteration in 0..<Self.iterations {
            let doc = RandomDocuments.object(&rng, depth: 3, nulls: false)
            let pointers = RandomDocuments.pointers(in: doc)
            guard let target = pointers.randomElement(using: &rng) else { continue }
            let value = RandomDocuments.primitive(&rng)
            // Add a fresh member next to `target`, then remove it: the document is unchanged.
            let fresh = JSONPointer(tokens: Array(target.tokens.dropLast()) + ["new~/key"])
            let parent = try doc.value(at: JSONPointer(tokens: Array(target.tokens.dropLast())))
            guard case .object = parent else { continue }
            let roundTrip = try JSONPatch(operations: [.add(path: fresh, value: value), .remove(path: fresh)]).apply(to: doc)
            #expect(roundTrip == doc, "seed \(seed) iteration \(iteration): \(fresh) in \(text(doc))")
            // Copy `target` to the fresh place, then both test equal to the original value.
            let original = try doc.value(at: target)
            _ = try JSONPatch(operations: [.copy(from: target, path: fresh), .test(path: fresh, value: original),
                                           .test(path: target, value: original)]).apply(to: doc)
            // Pointer text round-trips through its escapes.
            #expect(try JSONPointer(parsing: fresh.description) == fresh, "seed \(seed) iteration \(iteration)")
        }
    }

    @Test(arguments: seeds)
    func strategicPatchesNeverLeakDirectivesOrCrash(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let live = try json(#"{"metadata":{"name":"web","finalizers":["a"]},"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"n","ports":[{"containerPort":80}]},{"name":"sidecar","image":"s"}],"volumes":[{"name":"v","emptyDir":{}}]}}}}"#)
        let schema = StrategicMergeSchema.forKind("Deployment")
        var applied = 0
        for iteration in 0..<Self.iterations {
            let patch = RandomStrategicPatches.patch(&rng)
            do {
                let out = try StrategicMergePatch.apply(patch, to: live, schema: schema)
                applied += 1
                #expect(!RandomStrategicPatches.containsDirective(out),
                        "seed \(seed) iteration \(iteration): \(text(patch)) gave \(text(out))")
                // Every container left has its merge key (unless the patch replaced the list
                // literally: then validation, not the patch, rejects a nameless container).
                let literal = text(patch).contains(#"{"$patch":"replace"}"#)
                if !literal, case .array(let containers)? = out["spec"]?["template"]?["spec"]?["containers"] {
                    #expect(containers.allSatisfy { $0["name"] != nil }, "seed \(seed) iteration \(iteration): \(text(patch))")
                }
            } catch {
                // Rejected patches are fine; they must be typed errors about directives or keys.
                switch error {
                case .invalidDirective, .missingMergeKey: break
                default: Issue.record("seed \(seed) iteration \(iteration): unexpected \(error) for \(text(patch))")
                }
            }
        }
        #expect(applied > Self.iterations / 10, "seed \(seed): almost every random patch was rejected")
    }

    @Test(arguments: seeds)
    func serverSideApplyInvariantsAcrossManagers(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let schema = StrategicMergeSchema.forKind("Deployment")
        let managers = ["kubectl", "ci", "operator"]
        var live: JSONValue? = nil
        for iteration in 0..<60 {
            let manager = managers.randomElement(using: &rng) ?? "kubectl"
            let config = RandomConfigurations.configuration(&rng)
            let context = "seed \(seed) iteration \(iteration): \(manager) applies \(text(config))"
            let result = try ServerSideApply.apply(config, to: live, manager: manager, apiVersion: "apps/v1",
                                                   force: true, schema: schema, time: "t\(iteration)")
            // The applier owns exactly what it set, and every leaf it set has the configured value.
            let fields = FieldSet.fields(of: config, schema: schema)
            let mine = result.managedFields.first { $0.manager == manager && $0.operation == .apply }
            #expect(mine?.fields == (fields.isEmpty ? nil : fields), "\(context)")
            for path in fields.leafPaths where path.last != "." {
                let wanted = FieldSet.value(at: path[...], in: config)
                let got = FieldSet.value(at: path[...], in: result.object)
                #expect(wanted != nil && got != nil && JSONEquivalence.equal(wanted ?? .null, got ?? .null),
                        "\(context): \(FieldSet.describe(path))")
            }
            // Every owned leaf exists in the object (ownership never points at nothing).
            for entry in result.managedFields {
                for path in entry.fields.leafPaths {
                    #expect(FieldSet.value(at: path[...], in: result.object) != nil,
                            "\(context): \(entry.manager) owns missing \(FieldSet.describe(path))")
                }
            }
            // Stored ownership reads back, and re-applying at a later time changes nothing.
            #expect(try ManagedFieldsEntry.entries(of: result.object) == result.managedFields, "\(context)")
            let again = try ServerSideApply.apply(config, to: result.object, manager: manager, apiVersion: "apps/v1",
                                                  schema: schema, time: "later")
            #expect(again.object == result.object, "\(context): re-apply was not a no-op")
            live = result.object
        }
    }
}
