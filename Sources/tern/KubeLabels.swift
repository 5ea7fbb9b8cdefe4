import JSON
import Objects

/// `tern label` and `tern annotate`: merge patches of `metadata.labels` or `metadata.annotations`
/// that refuse to change an existing value without `--overwrite`, as kubectl does.
enum KubeLabels {
    /// One change: set `key` to `value`, or remove it (`value` nil, from `key-`).
    struct Change: Equatable {
        var key: String
        var value: String?
    }

    /// Which metadata map a command edits, and its words.
    enum Field {
        case labels, annotations

        var member: String { self == .labels ? "labels" : "annotations" }
        var done: String { self == .labels ? "labeled" : "annotated" }
        var singular: String { self == .labels ? "label" : "annotation" }
    }

    /// Splits the words into the object words and the changes (`k=v`, `k-`).
    /// - Throws: ``KubeError/usage(_:)`` for a malformed change or a key given twice.
    static func changes(_ words: [String], field: Field = .labels) throws(KubeError) -> (objects: [String], changes: [Change]) {
        var objects: [String] = []
        var changes: [Change] = []
        for word in words {
            if let eq = word.firstIndex(of: "=") {
                let key = String(word[..<eq])
                let value = String(word[word.index(after: eq)...])
                guard !key.isEmpty else { throw .usage("invalid \(field.singular) \(word): the key is empty") }
                changes.append(Change(key: key, value: value))
            } else if word.hasSuffix("-"), word.count > 1, !objects.isEmpty {
                changes.append(Change(key: String(word.dropLast()), value: nil))
            } else if changes.isEmpty {
                objects.append(word)
            } else {
                throw .usage("\(word): \(field.member) must be KEY=VALUE or KEY-, after the object")
            }
        }
        guard !changes.isEmpty else { throw .usage("at least one \(field.singular) update is required (KEY=VALUE or KEY-)") }
        var seen: Set<String> = []
        for change in changes {
            guard seen.insert(change.key).inserted else { throw .usage("the \(field.singular) \(change.key) is given more than once") }
        }
        return (objects, changes)
    }

    /// `tern label|annotate TYPE NAME k=v k2- [--overwrite]`.
    static func run(_ client: KubeClient, _ options: KubeOptions, field: Field) throws(KubeError) -> Int32 {
        let (words, changes) = try changes(options.positional, field: field)
        let targets = try KubeResources.targets(words)
        var failed = false
        for target in targets {
            guard !target.names.isEmpty else { throw .usage("\(field.singular) needs TYPE NAME") }
            for name in target.names {
                let path = KubeResources.path(target.kind, namespace: target.kind.namespaced ? options.effectiveNamespace : nil, name: name)
                let display = "\(KubeResources.qualifiedKind(target.kind))/\(name)"
                do throws(KubeError) {
                    let current = try client.json("GET", path)
                    guard let patch = try patch(current: current["metadata"]?[field.member], changes: changes, field: field,
                                                overwrite: options.overwrite) else {
                        print("\(display) not \(field.done)")
                        continue
                    }
                    let body = JSONValue.object([("metadata", .object([(field.member, .object(patch))]))])
                    _ = try client.json("PATCH", path, body: body.encoded(), contentType: "application/merge-patch+json")
                    print("\(display) \(field.done)")
                } catch {
                    KubeCommand.report(error)
                    failed = true
                }
            }
        }
        return failed ? 1 : 0
    }

    /// The members of the merge patch for `changes` over the `current` map (nil when nothing
    /// changes); removing a missing key is noted, not an error.
    /// - Throws: ``KubeError/refused(_:)`` when a value would change without `overwrite`.
    static func patch(current: JSONValue?, changes: [Change], field: Field,
                      overwrite: Bool) throws(KubeError) -> [(key: String, value: JSONValue)]? {
        var existing: [String: String] = [:]
        if case .object(let members)? = current {
            for member in members { existing[member.key] = member.value.stringValue ?? "" }
        }
        var patch: [(key: String, value: JSONValue)] = []
        for change in changes {
            if let value = change.value {
                if let old = existing[change.key], old != value, !overwrite {
                    throw field == .labels
                        ? KubeError.refused("'\(change.key)' already has a value (\(old)), and --overwrite is false")
                        : KubeError.refused("--overwrite is false but found the following declared annotation(s): '\(change.key)' already has a value (\(old))")
                }
                if existing[change.key] != value { patch.append((change.key, .string(value))) }
            } else if existing[change.key] != nil {
                patch.append((change.key, .null))
            } else {
                KubeCommand.note("\(field.singular) \"\(change.key)\" not found.")
            }
        }
        return patch.isEmpty ? nil : patch
    }
}
