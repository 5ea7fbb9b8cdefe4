import JSON

/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`): a JSON merge patch
/// in which lists are merged as the schema says (by merge key, as sets of primitives, or replaced),
/// steered by the directives `$patch`, `$retainKeys`, `$setElementOrder/<field>` and
/// `$deleteFromPrimitiveList/<field>`; `null` deletes a field.
public enum StrategicMergePatch {
    /// Applies `patch` (a JSON object) to `original` with the list rules of `schema`.
    /// - Throws: `PatchError.invalidPatch` when the patch is not an object; `.invalidDirective` for
    ///   a directive with a wrong value; `.missingMergeKey` for a merged-by-key list element without
    ///   its key. On a throw nothing is changed (values in, value out).
    public static func apply(_ patch: JSONValue, to original: JSONValue,
                             schema: StrategicMergeSchema) throws(PatchError) -> JSONValue {
        guard case .object(let patchMembers) = patch else {
            throw .invalidPatch(reason: "a strategic merge patch must be a JSON object, not a \(patch.typeName)")
        }
        var originalMembers: [ObjectMembers.Member] = []
        if case .object(let members) = original { originalMembers = members }
        let merged = try mergeObject(originalMembers, patchMembers, schema: schema, path: "")
        return .object(merged ?? [])
    }

    // MARK: - Objects

    /// Directives found in one patch object, separated from its fields.
    private struct Directives {
        var patch: String?
        var retainKeys: [String]?
        var setElementOrder: [(field: String, order: [JSONValue])] = []
        var deleteFromPrimitiveList: [(field: String, items: [JSONValue])] = []
        var fields: [ObjectMembers.Member] = []
    }

    static let patchDirective = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    private static func directives(of members: [ObjectMembers.Member], path: String) throws(PatchError) -> Directives {
        var d = Directives()
        for member in members {
            let key = member.key
            if key == patchDirective {
                guard case .string(let value) = member.value, ["replace", "merge", "delete"].contains(value) else {
                    throw .invalidDirective(path: path, directive: patchDirective,
                                            reason: "must be \"replace\", \"merge\" or \"delete\", not \(text(member.value))")
                }
                d.patch = value
            } else if key == retainKeysDirective {
                guard case .array(let items) = member.value else {
                    throw .invalidDirective(path: path, directive: key, reason: "must be a list of field names")
                }
                var names: [String] = []
                for item in items {
                    guard case .string(let name) = item else {
                        throw .invalidDirective(path: path, directive: key, reason: "must be a list of field names")
                    }
                    names.append(name)
                }
                d.retainKeys = names
            } else if key.hasPrefix(setElementOrderPrefix) {
                guard case .array(let items) = member.value else {
                    throw .invalidDirective(path: path, directive: key, reason: "must be a list")
                }
                d.setElementOrder.append((field: String(key.dropFirst(setElementOrderPrefix.count)), order: items))
            } else if key.hasPrefix(deleteFromPrimitiveListPrefix) {
                guard case .array(let items) = member.value else {
                    throw .invalidDirective(path: path, directive: key, reason: "must be a list")
                }
                d.deleteFromPrimitiveList.append((field: String(key.dropFirst(deleteFromPrimitiveListPrefix.count)),
                                                  items: items))
            } else if key.hasPrefix("$") {
                // An unknown directive: ignored, as Kubernetes servers ignore directives they do
                // not recognize (so a newer client's patch still applies).
                continue
            } else {
                d.fields.append(member)
            }
        }
        return d
    }

    /// Merges one patch object into one original object. Returns nil when the patch says
    /// `$patch: delete` (the caller removes the object).
    static func mergeObject(_ original: [ObjectMembers.Member], _ patch: [ObjectMembers.Member],
                            schema: StrategicMergeSchema, path: String) throws(PatchError) -> [ObjectMembers.Member]? {
        let d = try directives(of: patch, path: path)
        switch d.patch {
        case "delete"?:
            return nil
        case "replace"?:
            return try mergeFields([], d.fields, schema: schema, path: path)
        default:
            break
        }
        var result = original
        if let keep = d.retainKeys {
            // As Kubernetes checks: every field the patch sets must be one the directive keeps.
            for field in d.fields where !keep.contains(field.key) {
                if case .null = field.value { continue }
                throw .invalidDirective(path: path, directive: retainKeysDirective,
                                        reason: "the patch sets \"\(field.key)\", which is not in the list")
            }
            result.removeAll { !keep.contains($0.key) }
        }
        for (field, items) in d.deleteFromPrimitiveList {
            guard let i = ObjectMembers.lastIndex(of: field, in: result), case .array(var list) = result[i].value else { continue }
            list.removeAll { element in items.contains { JSONEquivalence.equal($0, element) } }
            result[i].value = .array(list)
        }
        result = try mergeFields(result, d.fields, schema: schema, path: path)
        for (field, order) in d.setElementOrder {
            guard let i = ObjectMembers.lastIndex(of: field, in: result), case .array(let list) = result[i].value else { continue }
            var before: [JSONValue] = []
            if let j = ObjectMembers.lastIndex(of: field, in: original), case .array(let items) = original[j].value {
                before = items
            }
            let reordered = try applyElementOrder(list, order: order, original: before, schema: schema.field(field),
                                                  path: join(path, field))
            result[i].value = .array(reordered)
        }
        return result
    }

    private static func mergeFields(_ original: [ObjectMembers.Member], _ fields: [ObjectMembers.Member],
                                    schema: StrategicMergeSchema, path: String) throws(PatchError) -> [ObjectMembers.Member] {
        var result = original
        for member in fields {
            let fieldPath = join(path, member.key)
            if case .null = member.value {
                ObjectMembers.remove(member.key, from: &result)
                continue
            }
            let existing = ObjectMembers.lastIndex(of: member.key, in: result).map { result[$0].value }
            let merged = try mergeValue(existing, member.value, schema: schema.field(member.key), path: fieldPath)
            if let merged {
                ObjectMembers.set(member.key, to: merged, in: &result)
            } else {
                ObjectMembers.remove(member.key, from: &result)
            }
        }
        return result
    }

    /// Merges a patch value into an original value (nil when absent). Nil result: delete the field.
    static func mergeValue(_ original: JSONValue?, _ patch: JSONValue,
                           schema: StrategicMergeSchema, path: String) throws(PatchError) -> JSONValue? {
        switch patch {
        case .object(let patchMembers):
            var base: [ObjectMembers.Member] = []
            if case .object(let members)? = original { base = members }
            return try mergeObject(base, patchMembers, schema: schema, path: path).map { JSONValue.object($0) }
        case .array(let patchItems):
            var base: [JSONValue] = []
            if case .array(let items)? = original { base = items }
            return .array(try mergeList(base, patchItems, schema: schema, path: path))
        case .null:
            return nil
        default:
            return patch
        }
    }

    // MARK: - Lists

    private static func mergeList(_ original: [JSONValue], _ patch: [JSONValue],
                                  schema: StrategicMergeSchema, path: String) throws(PatchError) -> [JSONValue] {
        // A `{"$patch":"replace"}` element replaces the list with the patch's other elements,
        // whatever the strategy.
        var items = patch
        var replaceWhole = false
        items.removeAll { item in
            guard case .object(let members) = item, members.count == 1, members[0].key == patchDirective,
                  members[0].value == .string("replace") else { return false }
            replaceWhole = true
            return true
        }
        switch schema.list {
        case .replace:
            return try freshItems(items, schema: schema, path: path)
        case .mergePrimitives:
            if replaceWhole { return items }
            var result = original
            for item in items where !result.contains(where: { JSONEquivalence.equal($0, item) }) {
                result.append(item)
            }
            return result
        case .mergeByKey(let key):
            if replaceWhole { return try freshItems(items, schema: schema, path: path) }
            return try mergeKeyedList(original, items, key: key, schema: schema, path: path)
        }
    }

    private static func freshItems(_ items: [JSONValue], schema: StrategicMergeSchema,
                                   path: String) throws(PatchError) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(items.count)
        for item in items {
            if let value = try mergeValue(nil, item, schema: schema, path: path) { result.append(value) }
        }
        return result
    }

    private static func mergeKeyedList(_ original: [JSONValue], _ patch: [JSONValue], key: String,
                                       schema: StrategicMergeSchema, path: String) throws(PatchError) -> [JSONValue] {
        var result = original
        for item in patch {
            guard case .object(let members) = item else {
                throw .missingMergeKey(path: path, mergeKey: key)
            }
            var directive: String?
            if case .string(let value)? = item[patchDirective] { directive = value }
            if let directive, !["replace", "merge", "delete"].contains(directive) {
                throw .invalidDirective(path: path, directive: patchDirective,
                                        reason: "must be \"replace\", \"merge\" or \"delete\", not \"\(directive)\"")
            }
            guard let keyValue = item[key] else { throw .missingMergeKey(path: path, mergeKey: key) }
            let elementPath = "\(path)[\(key)=\(text(keyValue))]"
            let index = result.firstIndex { element in
                guard let other = element[key] else { return false }
                return JSONEquivalence.equal(other, keyValue)
            }
            if directive == "delete" {
                result.removeAll { element in
                    guard let other = element[key] else { return false }
                    return JSONEquivalence.equal(other, keyValue)
                }
                continue
            }
            var base: [ObjectMembers.Member] = []
            if let index, case .object(let existing) = result[index] { base = existing }
            guard let merged = try mergeObject(base, members, schema: schema, path: elementPath) else { continue }
            if let index {
                result[index] = .object(merged)
            } else {
                result.append(.object(merged))
            }
        }
        return result
    }

    /// Reorders the merged `list` for a `$setElementOrder` directive, as Kubernetes does:
    /// - the elements the directive names take the directive's order;
    /// - the others ("server-only") keep their order;
    /// - the two sequences are interleaved: a server-only element goes first only when both it
    ///   and the next named element were in the `original` (pre-patch) list and it came earlier
    ///   there; otherwise the named element goes first.
    /// Named entries that match no element are ignored.
    private static func applyElementOrder(_ list: [JSONValue], order: [JSONValue], original: [JSONValue],
                                          schema: StrategicMergeSchema, path: String) throws(PatchError) -> [JSONValue] {
        let key = schema.mergeKey
        if let key {
            for entry in order where entry[key] == nil {
                throw .invalidDirective(path: path, directive: setElementOrderPrefix + lastComponent(path),
                                        reason: "every entry must carry the merge key \"\(key)\"")
            }
        }
        // What identifies an element: its merge key's value, or itself for primitives.
        func identity(_ element: JSONValue) -> JSONValue? {
            guard let key else { return element }
            return element[key]
        }
        func position(_ element: JSONValue, in items: [JSONValue]) -> Int? {
            guard let id = identity(element) else { return nil }
            return items.firstIndex { other in identity(other).map { JSONEquivalence.equal($0, id) } ?? false }
        }
        var named: [(rank: Int, offset: Int, element: JSONValue)] = []
        var serverOnly: [JSONValue] = []
        for (offset, element) in list.enumerated() {
            if let rank = position(element, in: order) {
                named.append((rank: rank, offset: offset, element: element))
            } else {
                serverOnly.append(element)
            }
        }
        named.sort { ($0.rank, $0.offset) < ($1.rank, $1.offset) }
        var result: [JSONValue] = []
        result.reserveCapacity(list.count)
        var i = 0, j = 0
        while i < serverOnly.count || j < named.count {
            if j == named.count {
                result.append(serverOnly[i]); i += 1
            } else if i == serverOnly.count {
                result.append(named[j].element); j += 1
            } else if let a = position(serverOnly[i], in: original), let b = position(named[j].element, in: original), a < b {
                result.append(serverOnly[i]); i += 1
            } else {
                result.append(named[j].element); j += 1
            }
        }
        return result
    }

    // MARK: - Helpers

    private static func join(_ path: String, _ field: String) -> String {
        path.isEmpty ? field : "\(path).\(field)"
    }

    private static func lastComponent(_ path: String) -> String {
        String(path.split(separator: ".").last ?? "")
    }

    static func text(_ value: JSONValue) -> String {
        String(decoding: value.encoded(), as: UTF8.self)
    }
}
