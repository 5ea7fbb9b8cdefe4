import JSON

/// What the API knows about a kind: where it lives in the REST API and in the store.
public struct ResourceKind: Hashable, Sendable {
    /// The API group; "" for the core group (`v1`).
    public var group: String
    public var version: String
    public var kind: String
    /// The plural lower-case resource name used in URLs and store keys (`pods`, `deployments`).
    public var resource: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    /// Whether the kind has a `status` subresource (updates of the object keep the stored status).
    public var hasStatus: Bool
    /// Discovery categories (`all` for the workload kinds kubectl shows in `kubectl get all`).
    public var categories: [String]

    public init(group: String, version: String, kind: String, resource: String, singular: String,
                namespaced: Bool, shortNames: [String] = [], hasStatus: Bool, categories: [String] = []) {
        self.group = group
        self.version = version
        self.kind = kind
        self.resource = resource
        self.singular = singular
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.hasStatus = hasStatus
        self.categories = categories
    }

    /// `v1` for the core group, `apps/v1` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// A Kubernetes-shaped object that the typed store can keep: it has metadata, a JSON codec, and
/// knows which parts are its spec and its status.
public protocol APIObject: Equatable, Sendable {
    static var resourceKind: ResourceKind { get }
    var metadata: ObjectMeta { get set }

    /// Decodes the object's JSON (as stored, or as a client sent it). Unknown members are kept.
    init(json: [UInt8]) throws(ObjectCodecError)
    /// The object's JSON, with `apiVersion` and `kind` first, as stored and served.
    func encodeJSON() -> [UInt8]

    /// Whether the desired state (everything but metadata and status) is the same; the store bumps
    /// `metadata.generation` only when it is not.
    func hasSameSpec(as other: Self) -> Bool
    /// Replaces this object's status with `other`'s (no-op for kinds without status). An update
    /// keeps the stored status; a status update keeps everything else.
    mutating func copyStatus(from other: Self)
}

/// Why bytes could not be decoded as an object; messages name the field, like Kubernetes'
/// decoding errors.
public enum ObjectCodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not JSON.
    case malformed(JSONError)
    /// A member has the wrong JSON type: `spec.replicas: expected integer, found string`.
    case wrongType(path: String, expected: String, found: String)
    /// A member's value is not acceptable for its type (`metadata.creationTimestamp`: not RFC 3339).
    case invalidValue(path: String, reason: String)
    /// `kind` or `apiVersion` does not name this type.
    case wrongKind(expected: String, found: String)

    public var description: String {
        switch self {
        case .malformed(let e): return "malformed JSON: \(e)"
        case .wrongType(let path, let expected, let found): return "\(path): expected \(expected), found \(found)"
        case .invalidValue(let path, let reason): return "\(path): \(reason)"
        case .wrongKind(let expected, let found): return "expected kind \(expected), found \(found)"
        }
    }
}
