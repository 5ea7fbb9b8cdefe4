import JSON

/// Building field sets from objects, and reading or deleting the value a field path names.
extension FieldSet {
    /// Top-level and metadata fields that are identity or server-owned, never tracked as owned
    /// (as Kubernetes leaves them out of `managedFields`).
    static let untrackedTopLevel: Set<String> = ["apiVersion", "kind"]
    static let untrackedMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
    ]

    /// The `k:` element text for a merge key value, e.g. `k:{"name":"nginx"}`.
    static func elementKey(_ key: String, _ value: JSONValue) -> String {
        "k:" + text(.object([(key: key, value: value)]))
    }

    /// The value at a field path, or nil when it is absent. `.` names the element itself.
    static func value(at path: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        guard let first = path.first else { return value }
        if first == "." { return value }
        switch value {
        case .object(let members):
            guard first.hasPrefix("f:"), let i = ObjectMembers.lastIndex(of: String(first.dropFirst(2)), in: members) else {
                return nil
            }
            return Self.value(at: path.dropFirst(), in: members[i].value)
        case .array(let items):
            guard let index = elementIndex(first, in: items) else { return nil }
            return Self.value(at: path.dropFirst(), in: items[index])
        default:
            return nil
        }
    }

    /// Deletes the field or element a path names (a path ending in `.` deletes the element).
    /// Returns false when the path did not resolve.
    @discardableResult
    static func delete(_ path: ArraySlice<String>, in value: inout JSONValue) -> Bool {
        var path = path
        if path.last == "." { path = path.dropLast() }
        guard let first = path.first else { return false }
        switch value {
        case .object(var members):
            guard first.hasPrefix("f:") else { return false }
            let name = String(first.dropFirst(2))
            guard let i = ObjectMembers.lastIndex(of: name, in: members) else { return false }
            value = .null
            defer { value = .object(members) }
            if path.count == 1 {
                ObjectMembers.remove(name, from: &members)
                return true
            }
            var child = members[i].value
            members[i].value = .null
            let done = delete(path.dropFirst(), in: &child)
            members[i].value = child
            return done
        case .array(var items):
            guard let index = elementIndex(first, in: items) else { return false }
            value = .null
            defer { value = .array(items) }
            if path.count == 1 {
                items.remove(at: index)
                return true
            }
            var child = items[index]
            items[index] = .null
            let done = delete(path.dropFirst(), in: &child)
            items[index] = child
            return done
        default:
            return false
        }
    }

    private static func elementIndex(_ element: String, in items: [JSONValue]) -> Int? {
        if element.hasPrefix("k:") {
            guard case .object(let keys)? = try? JSONParser.parse(Array(element.utf8.dropFirst(2))) else { return nil }
            return items.firstIndex { item in
                keys.allSatisfy { key in item[key.key].map { JSONEquivalence.equal($0, key.value) } ?? false }
            }
        }
        if element.hasPrefix("v:") {
            guard let wanted = try? JSONParser.parse(Array(element.utf8.dropFirst(2))) else { return nil }
            return items.firstIndex { JSONEquivalence.equal($0, wanted) }
        }
        return nil
    }

    static func text(_ value: JSONValue) -> String {
        String(decoding: value.encoded(), as: UTF8.self)
    }
}
