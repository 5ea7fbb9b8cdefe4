import JSON

/// The PATCH body formats, by the `Content-Type` a client sends.
public enum PatchType: String, Sendable, CaseIterable {
    /// RFC 6902 JSON patch: a list of operations.
    case jsonPatch = "application/json-patch+json"
    /// RFC 7386 JSON merge patch.
    case mergePatch = "application/merge-patch+json"
    /// Kubernetes strategic merge patch.
    case strategicMergePatch = "application/strategic-merge-patch+json"
    /// Server-side apply (the body is JSON or YAML; the API server converts YAML before calling
    /// ``ServerSideApply``).
    case applyPatch = "application/apply-patch+yaml"

    /// The patch type for a `Content-Type` header value, ignoring parameters (`; charset=utf-8`)
    /// and case; nil for anything else (the server answers 415).
    public init?(contentType: String) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let trimmed = mediaType.trimmingSpaces().lowercased()
        guard let type = PatchType(rawValue: trimmed) else { return nil }
        self = type
    }

    /// Applies a JSON patch, merge patch or strategic merge patch to an object of `kind`, with
    /// the built-in schema for the kind. Server-side apply needs a manager and ownership: use
    /// ``ServerSideApply/apply(_:to:manager:apiVersion:force:schema:time:)`` for it.
    /// - Throws: `PatchError`; `.invalidPatch` for `applyPatch` or a merge patch that is not an
    ///   object (it would replace the whole object with a non-object).
    public func apply(_ patch: JSONValue, to original: JSONValue, kind: String) throws(PatchError) -> JSONValue {
        switch self {
        case .jsonPatch:
            return try JSONPatch.apply(patch, to: original)
        case .mergePatch:
            guard case .object = patch else {
                throw .invalidPatch(reason: "a merge patch for an object must be a JSON object, not a \(patch.typeName)")
            }
            return MergePatch.apply(patch, to: original)
        case .strategicMergePatch:
            return try StrategicMergePatch.apply(patch, to: original, schema: .forKind(kind))
        case .applyPatch:
            throw .invalidPatch(reason: "server-side apply needs a field manager: use ServerSideApply.apply")
        }
    }
}

extension PatchError {
    /// The HTTP status Kubernetes answers with: 400 for a patch body of the wrong shape, 409 for
    /// apply conflicts, 413 for an oversized JSON patch, 422 (with ``PatchError/statusMessage``) for a patch that does not apply
    /// or a bad directive, 500 for unreadable stored ownership.
    public var httpStatus: Int {
        switch self {
        case .invalidPatch, .invalidOperation, .invalidPointer: return 400
        case .pathNotFound, .testFailed, .invalidDirective, .missingMergeKey: return 422
        case .conflicts: return 409
        case .tooManyOperations: return 413
        case .invalidManagedFields: return 500
        }
    }
}

extension PatchError {
    /// The `Status.reason` that goes with ``httpStatus`` (`BadRequest`, `Invalid`, `Conflict`,
    /// `RequestEntityTooLarge`, `InternalError`). For `.conflicts`, each ``ApplyConflict`` becomes a
    /// `details.causes` entry `{type: "FieldManagerConflict", message: causeMessage, field: path}`.
    public var statusReason: String {
        switch httpStatus {
        case 400: return "BadRequest"
        case 409: return "Conflict"
        case 413: return "RequestEntityTooLarge"
        case 422: return "Invalid"
        default: return "InternalError"
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
