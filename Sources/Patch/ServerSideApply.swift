import JSON

/// Server-side apply, simplified: merges an applied configuration into the live object and keeps
/// per-manager field ownership in `metadata.managedFields`.
///
/// Rules (see docs/architecture-patch.md for what is simplified against Kubernetes):
/// - the applier comes to own exactly the fields its configuration sets;
/// - a field it set last time but no longer sets is removed from the object, unless another
///   manager owns it (or something inside it);
/// - a field it sets that another manager owns with a different value is a conflict; `force`
///   takes the field over instead; equal values are shared without conflict.
public enum ServerSideApply {
    /// The outcome of an apply or an update.
    public struct Result: Equatable, Sendable {
        /// The new object, `metadata.managedFields` included.
        public var object: JSONValue
        /// The new ownership (also written into `object`).
        public var managedFields: [ManagedFieldsEntry]
    }

    /// Applies `configuration` for `manager`.
    /// - Parameters:
    ///   - live: the current object, or nil when it does not exist yet (the apply creates it).
    ///   - force: take over conflicting fields instead of failing.
    ///   - time: the clock reading written into the manager's entry, if any.
    /// - Throws: `PatchError.conflicts` (sorted by manager and path) when fields conflict and
    ///   `force` is false; `.invalidPatch` when the configuration is not an object;
    ///   `.invalidManagedFields` when the live object's ownership cannot be read.
    public static func apply(_ configuration: JSONValue, to live: JSONValue?, manager: String,
                             apiVersion: String, force: Bool = false, schema: StrategicMergeSchema,
                             time: String? = nil) throws(PatchError) -> Result {
        guard case .object = configuration else {
            throw .invalidPatch(reason: "an applied configuration must be an object, not a \(configuration.typeName)")
        }
        let current = live ?? .object([])
        let storedEntries = try ManagedFieldsEntry.entries(of: current)
        var entries = storedEntries
        // One walk: the fields the configuration sets, and those whose value differs from the
        // live object's (or that the live object lacks).
        let (applied, differing) = FieldSet.fieldsAndChanges(from: current, to: configuration, schema: schema)
        let mine = entries.firstIndex { $0.manager == manager && $0.operation == .apply }
        let previous = mine.map { entries[$0].fields } ?? FieldSet()

        let others = entries.indices.filter { $0 != mine }
        func ownedElsewhere(_ path: [String]) -> Bool {
            others.contains { entries[$0].fields.touches(path[...]) }
        }

        // Conflicts: leaves this apply sets that another owner holds with a different value.
        // (Ownership is checked first: it is cheap, and the values are read only when shared.)
        var conflicts: [ApplyConflict] = []
        var takeOver: [(entry: Int, path: [String])] = []
        if !others.isEmpty {
            for path in differing where path.last != "." && ownedElsewhere(path) {
                // A field the live object lacks cannot conflict.
                guard FieldSet.value(at: path[...], in: current) != nil else { continue }
                for index in others where entries[index].fields.touches(path[...]) {
                    let entry = entries[index]
                    conflicts.append(ApplyConflict(manager: entry.manager, apiVersion: entry.apiVersion,
                                                   path: FieldSet.describe(path)))
                    takeOver.append((entry: index, path: path))
                }
            }
        }
        if !conflicts.isEmpty && !force {
            conflicts.sort { ($0.manager, $0.path) < ($1.manager, $1.path) }
            throw .conflicts(conflicts)
        }
        for (index, path) in takeOver {
            entries[index].fields.remove(path[...])
        }

        // Fields this manager dropped from its configuration, owned by nobody else: delete them.
        // managedFields stays in place (it is never an owned field) and is overwritten at the end,
        // so its position among the metadata members does not change.
        var object = current
        let dropped = previous.notTouched(by: applied).leafPaths
        for path in dropped {
            let target = path.last == "." ? Array(path.dropLast()) : path
            if ownedElsewhere(target) || isMergeKeyOfKeptElement(path) { continue }
            FieldSet.delete(path[...], in: &object)
        }

        // Objects and lists those removals left empty go too (deepest first), unless someone
        // still owns them.
        if !dropped.isEmpty {
            for path in interiorPaths(of: dropped) where !applied.touches(path[...]) && !ownedElsewhere(path) {
                switch FieldSet.value(at: path[...], in: object) {
                case .object(let members)? where members.isEmpty: FieldSet.delete(path[...], in: &object)
                case .array(let items)? where items.isEmpty: FieldSet.delete(path[...], in: &object)
                default: break
                }
            }
        }

        // Write what the configuration sets.
        object = try StrategicMergePatch.apply(configuration, to: object, schema: schema)

        var entry = ManagedFieldsEntry(manager: manager, operation: .apply, apiVersion: apiVersion,
                                       time: time, fields: applied)
        if let mine {
            // A no-op apply must not change the object at all (no write, no resourceVersion bump,
            // no watch event): when nothing but the timestamp would differ, keep the old one.
            var unchanged = entries
            var kept = entry
            kept.time = entries[mine].time
            unchanged[mine] = kept
            unchanged.removeAll { $0.fields.isEmpty }
            if unchanged == storedEntries
                && ManagedFieldsEntry.setting([], on: object) == ManagedFieldsEntry.setting([], on: current) {
                return Result(object: current, managedFields: storedEntries)
            }
            entry.time = time
            entries[mine] = entry
        } else {
            entries.append(entry)
        }
        entries.removeAll { $0.fields.isEmpty }
        return Result(object: ManagedFieldsEntry.setting(entries, on: object, reusing: storedEntries, from: current),
                      managedFields: entries)
    }

    /// Records ownership for a non-apply write (create, update, patch) by `manager`: the fields whose
    /// value it changed become its own (in its `Update` entry) and leave other managers; fields the
    /// write removed leave every manager.
    /// - Throws: `PatchError.invalidManagedFields` when `old`'s ownership cannot be read.
    public static func recordUpdate(from old: JSONValue?, to new: JSONValue, manager: String,
                                    apiVersion: String, schema: StrategicMergeSchema,
                                    time: String? = nil) throws(PatchError) -> Result {
        let before = old ?? .object([])
        let storedEntries = try ManagedFieldsEntry.entries(of: before)
        var entries = storedEntries
        let (newFields, changed) = FieldSet.fieldsAndChanges(from: old, to: new, schema: schema)
        let isMine = { (entry: ManagedFieldsEntry) in entry.manager == manager && entry.operation == .update }
        for index in entries.indices {
            // Fields the write removed leave every owner; fields it changed leave the others.
            entries[index].fields = entries[index].fields.pruned(to: newFields)
            if !isMine(entries[index]) {
                for path in changed { entries[index].fields.remove(path[...]) }
            }
        }
        if !changed.isEmpty {
            if let mine = entries.firstIndex(where: isMine) {
                for path in changed { entries[mine].fields.insert(path[...]) }
                entries[mine].apiVersion = apiVersion
                entries[mine].time = time
            } else {
                var fields = FieldSet()
                for path in changed { fields.insert(path[...]) }
                entries.append(ManagedFieldsEntry(manager: manager, operation: .update, apiVersion: apiVersion,
                                                  time: time, fields: fields))
            }
        }
        entries.removeAll { $0.fields.isEmpty }
        let object = ManagedFieldsEntry.setting(entries, on: new, reusing: storedEntries, from: before)
        return Result(object: object, managedFields: entries)
    }

    /// The proper prefixes of the given paths that end in a field (`f:`), longest first.
    private static func interiorPaths(of paths: [[String]]) -> [[String]] {
        var seen: Set<[String]> = []
        for path in paths where path.count > 1 {
            for length in 1..<path.count where path[length - 1].hasPrefix("f:") {
                seen.insert(Array(path.prefix(length)))
            }
        }
        return seen.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    /// Whether `path` is `…/k:{"name":…}/f:name`: a merge key is removed only with its element
    /// (which its own `.` path does), never alone.
    private static func isMergeKeyOfKeptElement(_ path: [String]) -> Bool {
        guard path.count >= 2, path[path.count - 1].hasPrefix("f:"), path[path.count - 2].hasPrefix("k:") else {
            return false
        }
        let field = String(path[path.count - 1].dropFirst(2))
        let keyText = Array(path[path.count - 2].utf8.dropFirst(2))
        guard case .object(let keys)? = try? JSONParser.parse(keyText) else { return false }
        return keys.contains { $0.key == field }
    }
}
