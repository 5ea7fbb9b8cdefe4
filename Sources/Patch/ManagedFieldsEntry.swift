import JSON

/// One entry of `metadata.managedFields`: the fields one manager owns through one kind of write.
public struct ManagedFieldsEntry: Equatable, Sendable {
    /// How the manager wrote the fields.
    public enum Operation: String, Sendable {
        /// Server-side apply (`application/apply-patch+yaml`).
        case apply = "Apply"
        /// Any other write (create, update, patch).
        case update = "Update"
    }

    /// The field manager's name (`kubectl`, `kubectl-client-side-apply`, a controller...).
    public var manager: String
    /// Apply or Update; one manager may hold one entry of each.
    public var operation: Operation
    /// The API version the fields were written in (e.g. `apps/v1`).
    public var apiVersion: String
    /// When the entry last changed (RFC 3339), when the caller supplies a clock reading.
    public var time: String?
    /// The owned fields.
    public var fields: FieldSet

    /// Creates an entry.
    public init(manager: String, operation: Operation, apiVersion: String, time: String? = nil, fields: FieldSet) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fields = fields
    }

    /// The entry as Kubernetes serializes it (`fieldsType: FieldsV1`).
    public func json() -> JSONValue {
        var members: [ObjectMembers.Member] = [
            (key: "manager", value: .string(manager)),
            (key: "operation", value: .string(operation.rawValue)),
            (key: "apiVersion", value: .string(apiVersion)),
        ]
        if let time { members.append((key: "time", value: .string(time))) }
        members.append((key: "fieldsType", value: .string("FieldsV1")))
        members.append((key: "fieldsV1", value: fields.json()))
        return .object(members)
    }

    /// Reads one serialized entry.
    /// - Throws: `PatchError.invalidManagedFields` for a missing manager, an unknown operation or
    ///   fields type, or a malformed `fieldsV1`.
    public init(json: JSONValue) throws(PatchError) {
        guard case .object = json else {
            throw .invalidManagedFields(reason: "an entry must be an object, not a \(json.typeName)")
        }
        guard case .string(let manager)? = json["manager"] else {
            throw .invalidManagedFields(reason: "an entry needs a \"manager\" string")
        }
        guard case .string(let op)? = json["operation"], let operation = Operation(rawValue: op) else {
            throw .invalidManagedFields(reason: "entry for \"\(manager)\": operation must be \"Apply\" or \"Update\"")
        }
        if let type = json["fieldsType"], type != .string("FieldsV1") {
            throw .invalidManagedFields(reason: "entry for \"\(manager)\": only fieldsType FieldsV1 is supported")
        }
        var apiVersion = ""
        if case .string(let v)? = json["apiVersion"] { apiVersion = v }
        var time: String?
        if case .string(let t)? = json["time"] { time = t }
        let fields = try json["fieldsV1"].map { (v: JSONValue) throws(PatchError) in try FieldSet(json: v) } ?? FieldSet()
        self.init(manager: manager, operation: operation, apiVersion: apiVersion, time: time, fields: fields)
    }

    /// The entries in an object's `metadata.managedFields` (empty when absent).
    public static func entries(of object: JSONValue) throws(PatchError) -> [ManagedFieldsEntry] {
        guard let raw = object["metadata"]?["managedFields"] else { return [] }
        if case .null = raw { return [] }
        guard case .array(let items) = raw else {
            throw .invalidManagedFields(reason: "metadata.managedFields must be a list")
        }
        var out: [ManagedFieldsEntry] = []
        for item in items { out.append(try ManagedFieldsEntry(json: item)) }
        return out
    }

    /// `object` with `metadata.managedFields` set to `entries`, re-using the stored JSON of each
    /// entry that is unchanged from `stored` (read from `source`'s `managedFields`), so an entry
    /// nobody touched keeps its exact bytes and costs no re-encoding.
    static func setting(_ entries: [ManagedFieldsEntry], on object: JSONValue,
                        reusing stored: [ManagedFieldsEntry], from source: JSONValue) -> JSONValue {
        guard case .array(let raw)? = source["metadata"]?["managedFields"], raw.count == stored.count else {
            return setting(entries, on: object)
        }
        let items = entries.map { entry -> JSONValue in
            if let i = stored.firstIndex(of: entry) { return raw[i] }
            return entry.json()
        }
        return setting(items: items, on: object)
    }

    /// `object` with `metadata.managedFields` set to `entries` (removed when empty).
    public static func setting(_ entries: [ManagedFieldsEntry], on object: JSONValue) -> JSONValue {
        setting(items: entries.map { $0.json() }, on: object)
    }

    private static func setting(items entries: [JSONValue], on object: JSONValue) -> JSONValue {
        guard case .object(var members) = object else { return object }
        if entries.isEmpty && object["metadata"] == nil { return object }
        var meta: [ObjectMembers.Member] = []
        if let i = ObjectMembers.lastIndex(of: "metadata", in: members), case .object(let existing) = members[i].value {
            meta = existing
        }
        if entries.isEmpty {
            ObjectMembers.remove("managedFields", from: &meta)
        } else {
            ObjectMembers.set("managedFields", to: .array(entries), in: &meta)
        }
        ObjectMembers.set("metadata", to: .object(meta), in: &members)
        return .object(members)
    }
}
