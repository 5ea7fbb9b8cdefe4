import JSON

/// RFC 7386 JSON Merge Patch: objects merge recursively, `null` deletes, anything else replaces.
public enum MergePatch {
    /// Applies a merge patch. A patch that is not an object replaces the whole document.
    public static func apply(_ patch: JSONValue, to document: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var members: [(key: String, value: JSONValue)]
        if case .object(let existing) = document { members = existing } else { members = [] }
        for member in patchMembers {
            if case .null = member.value {
                ObjectMembers.remove(member.key, from: &members)
                continue
            }
            if let i = ObjectMembers.lastIndex(of: member.key, in: members) {
                let merged = apply(member.value, to: members[i].value)
                ObjectMembers.set(member.key, to: merged, in: &members)
            } else {
                members.append((key: member.key, value: apply(member.value, to: .null)))
            }
        }
        return .object(members)
    }

    /// Creates the merge patch that turns `original` into `modified` (what kubectl sends for
    /// `label`/`annotate`): removed members become `null`, changed members carry their new value,
    /// nested objects are diffed recursively, arrays are replaced whole. Returns `{}` when the
    /// two are equal.
    /// - Note: RFC 7386 cannot express a `null` value inside `modified` (it means "delete"), nor
    ///   turn a document into a non-object other than by replacing it; such values are replaced whole.
    public static func create(from original: JSONValue, to modified: JSONValue) -> JSONValue {
        guard case .object(let old) = original, case .object(let new) = modified else {
            return modified
        }
        var patch: [(key: String, value: JSONValue)] = []
        for member in old where ObjectMembers.lastIndex(of: member.key, in: new) == nil {
            if !patch.contains(where: { $0.key == member.key }) {
                patch.append((key: member.key, value: .null))
            }
        }
        for (i, member) in new.enumerated() {
            // Only the last of repeated keys counts.
            if new[(i + 1)...].contains(where: { $0.key == member.key }) { continue }
            guard let j = ObjectMembers.lastIndex(of: member.key, in: old) else {
                patch.append(member)
                continue
            }
            let before = old[j].value
            if before == member.value { continue }
            if case .object = before, case .object = member.value {
                let nested = create(from: before, to: member.value)
                if case .object(let m) = nested, m.isEmpty { continue }
                patch.append((key: member.key, value: nested))
            } else {
                patch.append(member)
            }
        }
        return .object(patch)
    }
}
