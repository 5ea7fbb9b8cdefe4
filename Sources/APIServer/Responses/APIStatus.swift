import JSON
import Objects

/// A Kubernetes `Status` object: the body of every error answer (and of a few successes).
/// kubectl and the Python client read `code`, `reason` and `message`; for 422 kubectl prints
/// `The <Kind> "<name>" is invalid: <causes>` from `details`.
public struct APIStatus: Error, Equatable, Sendable {
    /// One field problem of an invalid object (`details.causes[]`).
    public struct Cause: Equatable, Sendable {
        public var reason: String
        public var message: String
        public var field: String
    }

    public var code: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, `BadRequest`, ...
    public var reason: String
    public var message: String
    public var detailsName: String = ""
    public var detailsGroup: String = ""
    /// The resource (`deployments`) or, for Invalid, the kind (`Deployment`), as Kubernetes fills it.
    public var detailsKind: String = ""
    public var causes: [Cause] = []
    /// Seconds the client should wait before retrying (`details.retryAfterSeconds`), 0 = none.
    public var retryAfterSeconds: Int = 0

    public init(code: Int, reason: String, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    /// `deployments.apps` for grouped resources, `pods` for the core group.
    public static func qualified(_ resource: String, group: String) -> String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    public static func notFound(_ resource: String, group: String, name: String) -> APIStatus {
        var s = APIStatus(code: 404, reason: "NotFound", message: "\(qualified(resource, group: group)) \"\(name)\" not found")
        s.detailsName = name
        s.detailsGroup = group
        s.detailsKind = resource
        return s
    }

    /// An unknown path, resource or subresource.
    public static let pathNotFound = APIStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    public static func alreadyExists(_ resource: String, group: String, name: String) -> APIStatus {
        var s = APIStatus(code: 409, reason: "AlreadyExists", message: "\(qualified(resource, group: group)) \"\(name)\" already exists")
        s.detailsName = name
        s.detailsGroup = group
        s.detailsKind = resource
        return s
    }

    /// A stale resourceVersion or a failed precondition.
    public static func conflict(_ resource: String, group: String, name: String, why: String = "the object has been modified; please apply your changes to the latest version and try again") -> APIStatus {
        var s = APIStatus(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(qualified(resource, group: group)) \"\(name)\": \(why)")
        s.detailsName = name
        s.detailsGroup = group
        s.detailsKind = resource
        return s
    }

    /// 422 with one cause per field error: `The Pod "web" is invalid: spec.containers[0].image: Required value`.
    public static func invalid(kind: String, group: String, name: String, errors: [FieldError]) -> APIStatus {
        let list = errors.map(\.description)
        let joined = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        var s = APIStatus(code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(joined)")
        s.detailsName = name
        s.detailsGroup = group
        s.detailsKind = kind
        s.causes = errors.map { Cause(reason: $0.reason, message: $0.message, field: $0.path.description) }
        return s
    }

    /// 410 for a resourceVersion or continue token below the compaction point.
    public static func expired(_ message: String) -> APIStatus {
        APIStatus(code: 410, reason: "Expired", message: message)
    }

    public static func badRequest(_ message: String) -> APIStatus {
        APIStatus(code: 400, reason: "BadRequest", message: message)
    }

    public static func methodNotAllowed(_ method: String) -> APIStatus {
        APIStatus(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    public static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIStatus {
        APIStatus(code: 415, reason: "UnsupportedMediaType",
                  message: "the body of the request was in an unknown format - accepted media types include: " + accepted.joined(separator: ", "))
    }

    public static let unauthorized = APIStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")

    public static func forbidden(_ message: String) -> APIStatus {
        APIStatus(code: 403, reason: "Forbidden", message: message)
    }

    public static func requestTooLarge(limit: Int) -> APIStatus {
        APIStatus(code: 413, reason: "RequestEntityTooLarge", message: "the request is too large: limit is \(limit) bytes")
    }

    /// The store could not answer in time or has no leader; the outcome of a write is unknown.
    public static func unavailable(_ message: String) -> APIStatus {
        var s = APIStatus(code: 503, reason: "ServiceUnavailable", message: message)
        s.retryAfterSeconds = 1
        return s
    }

    public static func internalError(_ message: String) -> APIStatus {
        APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    /// The Status as JSON.
    public var json: JSONValue {
        var details: [(key: String, value: JSONValue)] = []
        if !detailsName.isEmpty { details.append(("name", .string(detailsName))) }
        if !detailsGroup.isEmpty { details.append(("group", .string(detailsGroup))) }
        if !detailsKind.isEmpty { details.append(("kind", .string(detailsKind))) }
        if !causes.isEmpty {
            details.append(("causes", .array(causes.map {
                .object([("reason", .string($0.reason)), ("message", .string($0.message)), ("field", .string($0.field))])
            })))
        }
        if retryAfterSeconds > 0 { details.append(("retryAfterSeconds", .number(String(retryAfterSeconds)))) }
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .object([])),
            ("status", .string("Failure")), ("message", .string(message)), ("reason", .string(reason)),
        ]
        if !details.isEmpty { members.append(("details", .object(details))) }
        members.append(("code", .number(String(code))))
        return .object(members)
    }

    /// A `Status` reporting success (`kubectl delete` accepts it as the answer to a DELETE).
    public static func success(name: String, group: String, kind: String) -> JSONValue {
        .object([
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .object([])),
            ("status", .string("Success")),
            ("details", .object([("name", .string(name)), ("group", .string(group)), ("kind", .string(kind))])),
        ])
    }
}
