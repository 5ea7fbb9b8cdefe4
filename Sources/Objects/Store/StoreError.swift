import KVClient

/// Why an object store request failed, shaped like the Kubernetes Status the API server will send
/// (`code`/`reason` are given by ``httpCode`` and ``reason``; ``description`` is the message).
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 404: no object with that name (`qualifiedResource` is `pods` or `deployments.apps`).
    case notFound(resource: String, name: String)
    /// 409: create of a name that exists.
    case alreadyExists(resource: String, name: String)
    /// 409: a resourceVersion or uid precondition failed; the full Kubernetes message.
    case conflict(message: String)
    /// 410: the revision asked for (a continue token, a watch's resourceVersion) was compacted away.
    case gone(message: String)
    /// 422: the object is invalid.
    case invalid(kind: String, name: String, causes: [FieldError])
    /// 503: the store could not be reached or had no leader; a write's outcome is unknown.
    case unavailable(message: String)
    /// 504: the store did not answer in time, or the resourceVersion asked for never arrived.
    case timeout(message: String)
    /// 400: the request itself is malformed (a bad continue token, a bad resourceVersion).
    case badRequest(message: String)
    /// 500: stored bytes that do not decode, or an answer the store should never give.
    case internalError(message: String)

    /// The Kubernetes `reason` of the Status.
    public var reason: String {
        switch self {
        case .notFound: return "NotFound"
        case .alreadyExists: return "AlreadyExists"
        case .conflict: return "Conflict"
        case .gone: return "Expired"
        case .invalid: return "Invalid"
        case .unavailable: return "ServiceUnavailable"
        case .timeout: return "Timeout"
        case .badRequest: return "BadRequest"
        case .internalError: return "InternalError"
        }
    }

    /// The HTTP status code of the Status.
    public var httpCode: Int {
        switch self {
        case .notFound: return 404
        case .alreadyExists, .conflict: return 409
        case .gone: return 410
        case .invalid: return 422
        case .unavailable: return 503
        case .timeout: return 504
        case .badRequest: return 400
        case .internalError: return 500
        }
    }

    public var description: String {
        switch self {
        case .notFound(let resource, let name): return "\(resource) \"\(name)\" not found"
        case .alreadyExists(let resource, let name): return "\(resource) \"\(name)\" already exists"
        case .conflict(let message), .gone(let message), .unavailable(let message), .timeout(let message),
             .badRequest(let message), .internalError(let message):
            return message
        case .invalid(let kind, let name, let causes):
            return "\(kind) \"\(name)\" is invalid: " + causes.map(\.description).joined(separator: ", ")
        }
    }

    /// The 409 a stale update gets.
    static func modified(_ kind: ResourceKind, name: String) -> StoreError {
        .conflict(message: "Operation cannot be fulfilled on \(kind.qualifiedResource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again")
    }

    /// A store client error as the object layer reports it.
    static func from(_ error: KVError, compactedMessage: String) -> StoreError {
        switch error {
        case .compacted: return .gone(message: compactedMessage)
        case .futureRevision: return .timeout(message: "Too large resource version")
        case .invalidRequest(let m): return .badRequest(message: m)
        case .unavailable(let m): return .unavailable(message: m)
        case .leaseNotFound: return .badRequest(message: error.description)
        case .transport(let m): return .unavailable(message: m)
        }
    }
}
