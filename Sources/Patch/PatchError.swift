import JSON

/// Why a patch could not be applied. Every case carries enough context (operation index, path,
/// directive) to tell the user what to fix; a failed patch never changes the document.
public enum PatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The patch body has the wrong shape for its patch type (e.g. a JSON patch that is not an array).
    case invalidPatch(reason: String)
    /// A JSON patch has more operations than the server accepts (``JSONPatch/maxOperations``).
    case tooManyOperations(count: Int, limit: Int)
    /// JSON patch operation `index` is malformed: unknown `op`, or a missing `path`, `from` or `value`.
    case invalidOperation(index: Int, op: String, reason: String)
    /// A JSON pointer in operation `index` is not valid RFC 6901 text.
    case invalidPointer(index: Int, pointer: String, reason: String)
    /// Operation `index` names a location that does not exist or cannot hold the value.
    case pathNotFound(index: Int, op: String, path: String, reason: String)
    /// A `test` operation found a different value (or none) at `path`.
    case testFailed(index: Int, path: String)
    /// A strategic merge directive (`$patch`, `$retainKeys`, `$setElementOrder/…`,
    /// `$deleteFromPrimitiveList/…`) has a value it cannot have.
    case invalidDirective(path: String, directive: String, reason: String)
    /// An element of a list merged by key lacks the merge key.
    case missingMergeKey(path: String, mergeKey: String)
    /// Server-side apply: fields set by this apply are owned by other managers with other values.
    case conflicts([ApplyConflict])
    /// A `managedFields` entry or an applied configuration is malformed.
    case invalidManagedFields(reason: String)

    /// The `Status.message` Kubernetes uses for a patch that cannot be applied (HTTP 422 / 400).
    public static let statusMessage = "the server rejected our request due to an error in our request"

    /// A detailed, Kubernetes-flavoured sentence for the `Status` details or log.
    public var description: String {
        switch self {
        case .invalidPatch(let reason):
            return "invalid patch: \(reason)"
        case .tooManyOperations(let count, let limit):
            return "the allowed maximum operations in a JSON patch is \(limit), got \(count)"
        case .invalidOperation(let index, let op, let reason):
            return "json patch operation \(index) (\(op.isEmpty ? "?" : op)) is invalid: \(reason)"
        case .invalidPointer(let index, let pointer, let reason):
            return "json patch operation \(index): invalid JSON pointer \"\(pointer)\": \(reason)"
        case .pathNotFound(let index, let op, let path, let reason):
            return "json patch \(op) operation \(index) does not apply: doc is missing path: \"\(path)\": \(reason)"
        case .testFailed(let index, let path):
            return "json patch test operation \(index): testing value \(path) failed: test failed"
        case .invalidDirective(let path, let directive, let reason):
            return "invalid \(directive) directive at \(path.isEmpty ? "<root>" : path): \(reason)"
        case .missingMergeKey(let path, let key):
            return "map: \(path) does not contain declared merge key: \(key)"
        case .conflicts(let conflicts):
            if conflicts.count == 1, let only = conflicts.first {
                return "Apply failed with 1 conflict: \(only.causeMessage): \(only.path)"
            }
            let lines = conflicts.map { "\($0.causeMessage): \($0.path)" }
            return "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "; ")
        case .invalidManagedFields(let reason):
            return "invalid managedFields: \(reason)"
        }
    }
}

/// One server-side apply conflict: a field the applier sets that another manager owns with a
/// different value.
public struct ApplyConflict: Equatable, Sendable {
    /// The manager that owns the field now.
    public var manager: String
    /// The API version the owner wrote the field in.
    public var apiVersion: String
    /// The field, in Kubernetes' dotted form (e.g. `.spec.replicas`,
    /// `.spec.template.spec.containers[name="nginx"].image`).
    public var path: String

    /// Creates a conflict record.
    public init(manager: String, apiVersion: String, path: String) {
        self.manager = manager
        self.apiVersion = apiVersion
        self.path = path
    }

    /// The text of a `FieldManagerConflict` cause in the 409 Status (`field` is ``path``).
    public var causeMessage: String {
        "conflict with \"\(manager)\" using \(apiVersion)"
    }
}
