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

    /// The Status for a patch that could not be applied: the Patch module says which code and
    /// reason Kubernetes uses (409 for apply conflicts, 422 for a patch that does not fit, 400...).
    static func from(_ error: PatchError, kind: ResourceKind, name: String) -> APIStatus {
        var s = APIStatus(code: error.httpStatus, reason: error.statusReason,
                          message: error.httpStatus == 409 ? error.description
                              : "the server rejected our request due to an error in our request: \(error)")
        if error.httpStatus == 409 {
            s.detailsName = name
            s.detailsGroup = kind.group
            s.detailsKind = kind.resource
        }
        return s
    }
}
