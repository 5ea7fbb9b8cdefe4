import Foundation
import JSON
import Testing
import YAML
@testable import Objects

/// Quantities and selectors as real manifests write them: the Kubernetes example manifests that
/// the YAML tests keep in Tests/YAMLTests/Fixtures/manifests, read with YAMLReader.
enum ManifestCorpus {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("YAMLTests/Fixtures/manifests")

    /// Every document of every manifest, with the file it came from, in path order.
    static func documents() throws -> [(file: String, document: JSONValue)] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            if path.hasSuffix(".yaml") { files.append(path) }
        }
        var out: [(String, JSONValue)] = []
        for file in files.sorted() {
            let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(file)))
            for document in try YAMLReader.parseDocuments(bytes) { out.append((file, document)) }
        }
        return out
    }

    /// Calls `visit` with every value under a key named `name`, anywhere in `value`.
    static func values(named name: String, in value: JSONValue, _ visit: (JSONValue) -> Void) {
        switch value {
        case .object(let members):
            for member in members {
                if member.key == name { visit(member.value) }
                values(named: name, in: member.value, visit)
            }
        case .array(let items):
            for item in items { values(named: name, in: item, visit) }
        default:
            break
        }
    }
}

@Suite("Quantities and selectors in the example manifests")
struct ManifestQuantityTests {
    @Test("every resources.requests/limits value parses and prints canonically")
    func resourceQuantities() throws {
        var count = 0
        for (file, document) in try ManifestCorpus.documents() {
            ManifestCorpus.values(named: "resources", in: document) { resources in
                for section in ["requests", "limits"] {
                    guard case .object(let amounts)? = resources[section] else { continue }
                    for amount in amounts {
                        count += 1
                        do {
                            let q = try Quantity(json: amount.value)
                            #expect(try Quantity(parsing: q.description) == q, "\(file): \(amount.key)")
                            #expect(q > .zero, "\(file): \(amount.key) \(q)")
                        } catch {
                            Issue.record("\(file): \(amount.key): \(error)")
                        }
                    }
                }
            }
        }
        #expect(count >= 40, "the corpus has many quantities (found \(count))")
    }

    /// matchLabels as a LabelSelectorSpec (matchExpressions are built from their members).
    static func spec(_ selector: JSONValue) -> LabelSelectorSpec {
        var spec = LabelSelectorSpec()
        if case .object(let labels)? = selector["matchLabels"] {
            for label in labels { if case .string(let v) = label.value { spec.matchLabels[label.key] = v } }
        }
        if case .array(let expressions)? = selector["matchExpressions"] {
            for e in expressions {
                guard case .string(let key)? = e["key"], case .string(let op)? = e["operator"] else { continue }
                var values: [String] = []
                if case .array(let vs)? = e["values"] { for case .string(let v) in vs { values.append(v) } }
                spec.matchExpressions.append(LabelSelectorRequirement(key: key, operator: op, values: values))
            }
        }
        return spec
    }

    static func labels(_ value: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        if case .object(let members)? = value {
            for m in members { if case .string(let v) = m.value { out[m.key] = v } }
        }
        return out
    }

    @Test("each workload's spec.selector selects its own pod template, and its string form parses back")
    func workloadSelectors() throws {
        var count = 0
        for (file, document) in try ManifestCorpus.documents() {
            guard case .string(let kind)? = document["kind"],
                  ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"].contains(kind),
                  let selector = document["spec"]?["selector"] else { continue }
            count += 1
            let s = try LabelSelector(Self.spec(selector), path: FieldPath("spec").child("selector"))
            let templateLabels = Self.labels(document["spec"]?["template"]?["metadata"]?["labels"])
            #expect(s.matches(templateLabels), "\(file): \(s) does not select \(templateLabels)")
            #expect(!s.matches([:]) || s.isEverything, "\(file): \(s) selects an unlabelled pod")
            #expect(try LabelSelector(parsing: s.description) == s, "\(file): \(s)")
        }
        #expect(count >= 15, "the corpus has many workloads (found \(count))")
    }
}
