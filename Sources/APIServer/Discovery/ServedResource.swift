import Objects

/// A resource as the API server serves it: its kind, its verbs and its subresources.
public struct ServedResource: Equatable, Sendable {
    /// A subresource (`status`, `scale`, `binding`, `log`) and what it answers with.
    public struct Subresource: Equatable, Sendable {
        public var name: String
        /// The kind of its responses (`autoscaling/v1 Scale` for `scale`; the parent's for `status`).
        public var group: String
        public var version: String
        public var kind: String
        public var verbs: [String]

        public init(name: String, group: String, version: String, kind: String, verbs: [String]) {
            self.name = name
            self.group = group
            self.version = version
            self.kind = kind
            self.verbs = verbs
        }
    }

    public var kind: ResourceKind
    public var verbs: [String]
    public var subresources: [Subresource]

    public init(kind: ResourceKind, verbs: [String] = ServedResource.allVerbs, subresources: [Subresource]) {
        self.kind = kind
        self.verbs = verbs
        self.subresources = subresources
    }

    /// What every stored kind supports, sorted as Kubernetes lists them.
    public static let allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// The resource with the subresources Kubernetes gives its kind: `status` when the kind has
    /// one, `scale` for the scalable workloads, `binding` and `log` for pods.
    public static func standard(_ kind: ResourceKind) -> ServedResource {
        var subresources: [Subresource] = []
        if kind.group == "apps", ["deployments", "replicasets", "statefulsets"].contains(kind.resource) {
            subresources.append(Subresource(name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"]))
        }
        if kind.hasStatus {
            subresources.append(Subresource(name: "status", group: kind.group, version: kind.version, kind: kind.kind, verbs: ["get", "patch", "update"]))
        }
        if kind.group.isEmpty, kind.resource == "pods" {
            subresources.append(Subresource(name: "binding", group: "", version: "v1", kind: "Binding", verbs: ["create"]))
            subresources.append(Subresource(name: "log", group: "", version: "v1", kind: "Pod", verbs: ["get"]))
        }
        subresources.sort { $0.name < $1.name }
        return ServedResource(kind: kind, subresources: subresources)
    }
}
