import JSON

/// A set of field paths, stored as a trie in Kubernetes' `FieldsV1` shape: each key is `f:<field>`
/// (an object member), `k:{"<mergeKey>":<value>}` (a list element identified by its merge key),
/// `v:<json>` (a primitive in a set-like list) or `.` (the element itself). A node without
/// children is a leaf: that exact field is in the set.
///
/// Example: a manager that set a Deployment's replicas and one container's image owns
///
///     {"f:spec":{"f:replicas":{},
///                "f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
public struct FieldSet: Equatable, Sendable {
    /// Child nodes by path element text.
    public var children: [String: FieldSet]

    /// Creates a set from its child nodes.
    public init(children: [String: FieldSet] = [:]) {
        self.children = children
    }

    /// Whether the set holds no path.
    public var isEmpty: Bool { children.isEmpty }

    /// Every path to a leaf, each as its element texts, sorted so results never depend on
    /// dictionary order.
    public var leafPaths: [[String]] {
        var out: [[String]] = []
        var prefix: [String] = []
        collectLeaves(&prefix, &out)
        return out
    }

    private func collectLeaves(_ prefix: inout [String], _ out: inout [[String]]) {
        for key in children.keys.sorted() {
            let child = children[key] ?? FieldSet()
            prefix.append(key)
            if child.children.isEmpty {
                out.append(prefix)
            } else {
                child.collectLeaves(&prefix, &out)
            }
            prefix.removeLast()
        }
    }

    /// Adds a path (a leaf unless something deeper is already there).
    public mutating func insert(_ path: ArraySlice<String>) {
        guard let first = path.first else { return }
        var child = children[first] ?? FieldSet()
        children[first] = nil
        child.insert(path.dropFirst())
        children[first] = child
    }

    /// Whether the exact path is in the set as a leaf.
    public func containsLeaf(_ path: ArraySlice<String>) -> Bool {
        guard let first = path.first else { return children.isEmpty }
        guard let child = children[first] else { return false }
        return child.containsLeaf(path.dropFirst())
    }

    /// Whether the set has the path itself, anything below it, or a leaf above it (an owner of a
    /// whole atomic value owns its parts).
    public func touches(_ path: ArraySlice<String>) -> Bool {
        guard let first = path.first else { return true }
        guard let child = children[first] else { return false }
        if child.children.isEmpty { return true }
        return child.touches(path.dropFirst())
    }

    /// Removes the path and everything below it, pruning parents left empty.
    public mutating func remove(_ path: ArraySlice<String>) {
        guard let first = path.first, var child = children[first] else { return }
        if path.count == 1 {
            children[first] = nil
            return
        }
        if child.children.isEmpty { return }
        children[first] = nil
        child.remove(path.dropFirst())
        if !child.children.isEmpty { children[first] = child }
    }

    /// The set in `FieldsV1` JSON, keys sorted.
    public func json() -> JSONValue {
        .object(children.keys.sorted().map { key in (key: key, value: (children[key] ?? FieldSet()).json()) })
    }

    /// Reads a `FieldsV1` object.
    /// - Throws: `PatchError.invalidManagedFields` if a node is not an object.
    public init(json: JSONValue) throws(PatchError) {
        guard case .object(let members) = json else {
            throw .invalidManagedFields(reason: "fieldsV1 nodes must be objects, found a \(json.typeName)")
        }
        var children: [String: FieldSet] = [:]
        for member in members {
            children[member.key] = try FieldSet(json: member.value)
        }
        self.children = children
    }

    /// A path in Kubernetes' conflict-message form, e.g.
    /// `.spec.template.spec.containers[name="nginx"].image`.
    public static func describe(_ path: [String]) -> String {
        var out = ""
        for element in path {
            if element.hasPrefix("f:") {
                out += "." + element.dropFirst(2)
            } else if element.hasPrefix("k:") {
                let keyText = String(element.dropFirst(2))
                if case .object(let members)? = try? JSONParser.parse(Array(keyText.utf8)) {
                    let parts = members.map { "\($0.key)=\(String(decoding: $0.value.encoded(), as: UTF8.self))" }
                    out += "[" + parts.joined(separator: ",") + "]"
                } else {
                    out += "[" + keyText + "]"
                }
            } else if element.hasPrefix("v:") {
                out += "[=" + element.dropFirst(2) + "]"
            }
        }
        return out.isEmpty ? "." : out
    }
}
