/// Where a request to the Kubernetes API points, parsed from its URL path:
/// `/api/v1/namespaces/default/pods/web/status`, `/apis/apps/v1/deployments`, `/version`, ...
public enum APIRequestPath: Equatable, Sendable {
    /// A resource, a collection or a subresource of one object.
    case resource(ResourcePath)
    /// `/api` (core group versions).
    case coreVersions
    /// `/apis` (group list).
    case groups
    /// `/apis/<group>` (one group's versions).
    case group(String)
    /// `/api/v1` or `/apis/<group>/<version>` (its resource list).
    case groupVersion(group: String, version: String)
    case version
    /// `/healthz`, `/livez`, `/readyz` (with any sub-check path after them).
    case health(String)
    case metrics
    /// `/openapi/v3`.
    case openAPIIndex
    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`.
    case openAPIDocument(group: String, version: String)
    /// Anything else (404).
    case unknown

    /// Parses a path (no query). Segments are percent-decoded; empty segments are ignored.
    public init(_ path: Substring) {
        let segments = path.split(separator: "/").map { QueryParameters.decode($0) }
        guard let first = segments.first else {
            self = .unknown
            return
        }
        switch first {
        case "api":
            if segments.count == 1 { self = .coreVersions; return }
            if segments.count == 2 { self = .groupVersion(group: "", version: segments[1]); return }
            self = ResourcePath(group: "", version: segments[1], rest: segments[2...]).map(APIRequestPath.resource) ?? .unknown
        case "apis":
            switch segments.count {
            case 1: self = .groups
            case 2: self = .group(segments[1])
            case 3: self = .groupVersion(group: segments[1], version: segments[2])
            default:
                self = ResourcePath(group: segments[1], version: segments[2], rest: segments[3...]).map(APIRequestPath.resource) ?? .unknown
            }
        case "version" where segments.count == 1: self = .version
        case "healthz", "livez", "readyz": self = .health(first)
        case "metrics" where segments.count == 1: self = .metrics
        case "openapi":
            guard segments.count >= 2, segments[1] == "v3" else { self = .unknown; return }
            if segments.count == 2 { self = .openAPIIndex; return }
            if segments.count == 4, segments[2] == "api" { self = .openAPIDocument(group: "", version: segments[3]); return }
            if segments.count == 5, segments[2] == "apis" { self = .openAPIDocument(group: segments[3], version: segments[4]); return }
            self = .unknown
        default: self = .unknown
        }
    }
}

/// The resource part of an API path: `namespaces/<ns>/<resource>[/<name>[/<subresource>]]` or
/// `<resource>[/<name>[/<subresource>]]` under a group version.
public struct ResourcePath: Equatable, Sendable {
    public var group: String
    public var version: String
    /// Empty for cluster-scoped requests and for lists across all namespaces.
    public var namespace: String
    public var resource: String
    /// Empty for a collection.
    public var name: String
    public var subresource: String

    public init(group: String, version: String, namespace: String = "", resource: String, name: String = "", subresource: String = "") {
        self.group = group
        self.version = version
        self.namespace = namespace
        self.resource = resource
        self.name = name
        self.subresource = subresource
    }

    init?(group: String, version: String, rest: ArraySlice<String>) {
        var rest = rest
        var namespace = ""
        // `/namespaces/<ns>/<resource>...` scopes the request to a namespace; `/namespaces` and
        // `/namespaces/<ns>[/status|/finalize]` are the Namespace objects themselves.
        if rest.first == "namespaces", rest.count >= 3 {
            let candidate = rest[rest.startIndex + 2]
            if candidate != "status" && candidate != "finalize" || rest.count > 3 {
                namespace = rest[rest.startIndex + 1]
                rest = rest.dropFirst(2)
            }
        }
        guard let resource = rest.first, rest.count <= 3 else { return nil }
        let items = Array(rest)
        self.init(group: group, version: version, namespace: namespace, resource: resource,
                  name: items.count > 1 ? items[1] : "", subresource: items.count > 2 ? items[2] : "")
    }
}
