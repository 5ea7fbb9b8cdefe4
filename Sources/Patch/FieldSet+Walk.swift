import JSON

extension FieldSet {
    /// The set of fields an object sets: every non-null leaf, list elements identified by merge
    /// key (`k:`) or by value for set-like lists (`v:`), atomic lists as one leaf.
    public static func fields(of object: JSONValue, schema: StrategicMergeSchema) -> FieldSet {
        var walker = FieldWalker(trackChanges: false)
        return walker.fields(of: object, old: nil, schema: schema)
    }

    /// In one walk: the fields `new` sets, and the leaf paths among them whose value is absent
    /// from `old` or different there (a list element's `.` when the element is new), sorted.
    static func fieldsAndChanges(from old: JSONValue?, to new: JSONValue,
                                 schema: StrategicMergeSchema) -> (fields: FieldSet, changed: [[String]]) {
        var walker = FieldWalker(trackChanges: true)
        let fields = walker.fields(of: new, old: old, schema: schema)
        return (fields, walker.changed.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// The part of this set that `other` still touches (see ``touches(_:)``): a path is kept when
    /// `other` has it, something below it, or a leaf above it.
    func pruned(to other: FieldSet) -> FieldSet {
        var kept: [Child] = []
        var j = 0
        for child in members {
            while j < other.members.count && other.members[j].key < child.key { j += 1 }
            guard j < other.members.count, other.members[j].key == child.key else { continue }
            let counterpart = other.members[j].set
            if child.set.isEmpty || counterpart.isEmpty {
                kept.append(child)
                continue
            }
            let below = child.set.pruned(to: counterpart)
            if !below.isEmpty { kept.append(Child(key: child.key, set: below)) }
        }
        return FieldSet(unsorted: kept)
    }
}

extension FieldSet {
    /// The leaves of this set that `other` does not touch: no counterpart path, nothing below
    /// it and no leaf above it in `other`. A list element's `.` counts as touched when `other`
    /// has the element at all.
    func notTouched(by other: FieldSet) -> FieldSet {
        var kept: [Child] = []
        for child in members {
            guard let counterpart = other.child(child.key) else {
                kept.append(child)
                continue
            }
            if child.set.isEmpty || counterpart.isEmpty { continue }
            var below = child.set.notTouched(by: counterpart)
            below.setChild(".", nil)  // `other` has this element (counterpart is not empty)
            if !below.isEmpty { kept.append(Child(key: child.key, set: below)) }
        }
        return FieldSet(unsorted: kept)
    }
}

/// Walks a new object (and, when tracking changes, the old one alongside) building its field set.
private struct FieldWalker {
    let trackChanges: Bool
    var changed: [[String]] = []
    private var prefix: [String] = []

    init(trackChanges: Bool) {
        self.trackChanges = trackChanges
    }

    mutating func fields(of object: JSONValue, old: JSONValue?, schema: StrategicMergeSchema) -> FieldSet {
        guard case .object(let members) = object else { return FieldSet() }
        var children: [FieldSet.Child] = []
        let oldMembers = Self.members(of: old)
        for member in ObjectMembers.lastWins(members) {
            if FieldSet.untrackedTopLevel.contains(member.key) { continue }
            if member.key == "metadata", case .object(let meta) = member.value {
                let kept = meta.filter { !FieldSet.untrackedMetadata.contains($0.key) }
                let oldMeta = Self.members(of: Self.value(member.key, in: oldMembers))
                prefix.append("f:metadata")
                let child = walkObject(kept, old: oldMeta, schema: schema.field("metadata"))
                prefix.removeLast()
                if !child.isEmpty { children.append(FieldSet.Child(key: "f:metadata", set: child)) }
                continue
            }
            add(member, old: Self.value(member.key, in: oldMembers), schema: schema, to: &children)
        }
        return FieldSet(unsorted: children)
    }

    private mutating func walkObject(_ members: [ObjectMembers.Member], old: [ObjectMembers.Member]?,
                                     schema: StrategicMergeSchema, extra: FieldSet.Child? = nil) -> FieldSet {
        var children: [FieldSet.Child] = []
        children.reserveCapacity(members.count + 1)
        if let extra { children.append(extra) }
        for member in ObjectMembers.lastWins(members) {
            add(member, old: Self.value(member.key, in: old), schema: schema, to: &children)
        }
        return FieldSet(unsorted: children)
    }

    private mutating func add(_ member: ObjectMembers.Member, old: JSONValue?, schema: StrategicMergeSchema,
                              to children: inout [FieldSet.Child]) {
        if case .null = member.value { return }
        let fieldSchema = schema.field(member.key)
        let key = "f:" + member.key
        prefix.append(key)
        defer { prefix.removeLast() }
        var node = FieldSet()
        switch member.value {
        case .object(let inner):
            node = walkObject(inner, old: Self.members(of: old), schema: fieldSchema)
        case .array(let items):
            node = list(items, old: old, schema: fieldSchema)
        default:
            break
        }
        if node.isEmpty { leaf(member.value, old: old) }
        children.append(FieldSet.Child(key: key, set: node))
    }

    private mutating func list(_ items: [JSONValue], old: JSONValue?, schema: StrategicMergeSchema) -> FieldSet {
        var oldItems: [JSONValue] = []
        if case .array(let existing)? = old { oldItems = existing }
        var children: [FieldSet.Child] = []
        children.reserveCapacity(items.count)
        switch schema.list {
        case .replace:
            break
        case .mergePrimitives:
            for item in items {
                let key = "v:" + FieldSet.text(item)
                children.append(FieldSet.Child(key: key, set: FieldSet()))
                if trackChanges && !oldItems.contains(where: { JSONEquivalence.equal($0, item) }) {
                    changed.append(prefix + [key])
                }
            }
        case .mergeByKey(let mergeKey):
            var oldByKey: [String: [ObjectMembers.Member]] = [:]
            if trackChanges {
                for item in oldItems {
                    guard case .object(let members) = item, let value = item[mergeKey] else { continue }
                    let key = FieldSet.elementKey(mergeKey, value)
                    if oldByKey[key] == nil { oldByKey[key] = members }
                }
            }
            let changesBefore = changed.count
            for item in items {
                guard case .object(let inner) = item, let value = item[mergeKey] else {
                    // An element without its key: the list is one atomic leaf (the caller records it).
                    changed.removeSubrange(changesBefore...)
                    return FieldSet()
                }
                let key = FieldSet.elementKey(mergeKey, value)
                let oldElement = oldByKey[key]
                prefix.append(key)
                let element = walkObject(inner, old: oldElement, schema: schema,
                                         extra: FieldSet.Child(key: ".", set: FieldSet()))
                if trackChanges && oldElement == nil { changed.append(prefix + ["."]) }
                prefix.removeLast()
                children.append(FieldSet.Child(key: key, set: element))
            }
        }
        return FieldSet(unsorted: children)
    }

    private mutating func leaf(_ value: JSONValue, old: JSONValue?) {
        guard trackChanges else { return }
        if let old, JSONEquivalence.equal(old, value) { return }
        changed.append(prefix)
    }

    private static func members(of value: JSONValue?) -> [ObjectMembers.Member]? {
        if case .object(let members)? = value { return members }
        return nil
    }

    private static func value(_ key: String, in members: [ObjectMembers.Member]?) -> JSONValue? {
        guard let members, let i = ObjectMembers.lastIndex(of: key, in: members) else { return nil }
        return members[i].value
    }
}
