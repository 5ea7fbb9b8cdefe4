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
    /// One child: a path element and the set below it.
    public struct Child: Equatable, Sendable {
        /// The path element text (`f:…`, `k:…`, `v:…` or `.`).
        public var key: String
        /// The paths below it (empty: the element itself is a leaf).
        public var set: FieldSet
    }

    /// The children, sorted by key, keys unique. (A sorted array, not a dictionary: nodes have a
    /// handful of children, and hashing every key text cost more than the rest of the work.)
    public private(set) var members: [Child]

    /// The empty set.
    public init() {
        members = []
    }

    /// A node from children in any order; of repeated keys the last wins.
    init(unsorted: [Child]) {
        var sorted = unsorted
        if !Self.isStrictlySorted(sorted) {
            // Stable on the original position, so "last wins" among repeats.
            sorted = unsorted.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
            var unique: [Child] = []
            unique.reserveCapacity(sorted.count)
            for child in sorted {
                if unique.last?.key == child.key { unique[unique.count - 1] = child } else { unique.append(child) }
            }
            sorted = unique
        }
        members = sorted
    }

    private static func isStrictlySorted(_ children: [Child]) -> Bool {
        var i = 1
        while i < children.count {
            if !(children[i - 1].key < children[i].key) { return false }
            i += 1
        }
        return true
    }

    /// Whether the set holds no path.
    public var isEmpty: Bool { members.isEmpty }

    /// The child keys, sorted.
    public var childKeys: [String] { members.map(\.key) }

    /// The set below child `key`, or nil.
    public func child(_ key: String) -> FieldSet? {
        index(of: key).map { members[$0].set }
    }

    /// Sets (or with nil removes) the set below child `key`.
    public mutating func setChild(_ key: String, _ set: FieldSet?) {
        let position = insertionPoint(of: key)
        let exists = position < members.count && members[position].key == key
        switch (set, exists) {
        case (let set?, true): members[position].set = set
        case (let set?, false): members.insert(Child(key: key, set: set), at: position)
        case (nil, true): members.remove(at: position)
        case (nil, false): break
        }
    }

    private func index(of key: String) -> Int? {
        let position = insertionPoint(of: key)
        return position < members.count && members[position].key == key ? position : nil
    }

    /// The first position whose key is not less than `key` (binary search).
    private func insertionPoint(of key: String) -> Int {
        var low = 0, high = members.count
        while low < high {
            let mid = (low + high) / 2
            if members[mid].key < key { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Every path to a leaf, each as its element texts, in key order (never dictionary order).
    public var leafPaths: [[String]] {
        var out: [[String]] = []
        var prefix: [String] = []
        collectLeaves(&prefix, &out)
        return out
    }

    private func collectLeaves(_ prefix: inout [String], _ out: inout [[String]]) {
        for child in members {
            prefix.append(child.key)
            if child.set.members.isEmpty {
                out.append(prefix)
            } else {
                child.set.collectLeaves(&prefix, &out)
            }
            prefix.removeLast()
        }
    }

    /// Adds a path (a leaf unless something deeper is already there).
    public mutating func insert(_ path: ArraySlice<String>) {
        guard let first = path.first else { return }
        let position = insertionPoint(of: first)
        if position < members.count && members[position].key == first {
            members[position].set.insert(path.dropFirst())
        } else {
            var child = FieldSet()
            child.insert(path.dropFirst())
            members.insert(Child(key: first, set: child), at: position)
        }
    }

    /// Whether the exact path is in the set as a leaf.
    public func containsLeaf(_ path: ArraySlice<String>) -> Bool {
        guard let first = path.first else { return members.isEmpty }
        guard let child = child(first) else { return false }
        return child.containsLeaf(path.dropFirst())
    }

    /// Whether the set has the path itself, anything below it, or a leaf above it (an owner of a
    /// whole atomic value owns its parts).
    public func touches(_ path: ArraySlice<String>) -> Bool {
        guard let first = path.first else { return true }
        guard let child = child(first) else { return false }
        if child.members.isEmpty { return true }
        return child.touches(path.dropFirst())
    }

    /// Removes the path and everything below it, pruning parents left empty.
    public mutating func remove(_ path: ArraySlice<String>) {
        guard let first = path.first, let position = index(of: first) else { return }
        if path.count == 1 {
            members.remove(at: position)
            return
        }
        if members[position].set.members.isEmpty { return }
        members[position].set.remove(path.dropFirst())
        if members[position].set.members.isEmpty { members.remove(at: position) }
    }

    /// The set in `FieldsV1` JSON, keys sorted.
    public func json() -> JSONValue {
        .object(members.map { (key: $0.key, value: $0.set.json()) })
    }

    /// Reads a `FieldsV1` object.
    /// - Throws: `PatchError.invalidManagedFields` if a node is not an object.
    public init(json: JSONValue) throws(PatchError) {
        guard case .object(let nodes) = json else {
            throw .invalidManagedFields(reason: "fieldsV1 nodes must be objects, found a \(json.typeName)")
        }
        var children: [Child] = []
        children.reserveCapacity(nodes.count)
        for node in nodes {
            children.append(Child(key: node.key, set: try FieldSet(json: node.value)))
        }
        self.init(unsorted: children)
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
