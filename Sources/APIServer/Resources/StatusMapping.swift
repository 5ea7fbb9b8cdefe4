import Objects
import Patch

extension APIStatus {
    /// The Status for an object store error.
    static func from(_ error: StoreError, kind: ResourceKind) -> APIStatus {
        switch error {
        case .notFound(_, let name): return .notFound(kind.resource, group: kind.group, name: name)
        case .alreadyExists(_, let name): return .alreadyExists(kind.resource, group: kind.group, name: name)
        case .invalid(let k, let name, let causes): return .invalid(kind: k, group: kind.group, name: name, errors: causes)
        default:
            var s = APIStatus(code: error.httpCode, reason: error.reason, message: error.description)
            if error.httpCode == 503 { s.retryAfterSeconds = 1 }
            return s
        }
    }

    /// The Status for a patch that could not be applied: 409 for apply conflicts (kubectl then
    /// suggests `--force-conflicts`), 422 for a patch that does not fit the object, else 400.
    static func from(_ error: PatchError, kind: ResourceKind, name: String) -> APIStatus {
        switch error {
        case .conflicts:
            var s = APIStatus(code: 409, reason: "Conflict", message: error.description)
            s.detailsName = name
            s.detailsGroup = kind.group
            s.detailsKind = kind.resource
            return s
        case .testFailed, .pathNotFound:
            return APIStatus(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(error)")
        default:
            return .badRequest("the server rejected our request due to an error in our request: \(error)")
        }
    }
}
