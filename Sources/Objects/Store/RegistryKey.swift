/// Where objects live in the store: `/registry/<resource>/<namespace>/<name>` for namespaced kinds,
/// `/registry/<resource>/<name>` for cluster-scoped ones. As in Kubernetes, the key uses the resource
/// name only (no group): deployments live under `/registry/deployments/`.
///
/// Worked example: the pod `web` in `default` is `/registry/pods/default/web`; listing every pod
/// ranges over the prefix `/registry/pods/`, listing the pods of `default` over
/// `/registry/pods/default/` (the trailing slash keeps `default2` out).
public enum RegistryKey {
    /// The root of every object key.
    public static let root = "/registry/"

    /// The key of one object (`namespace` is ignored for cluster-scoped kinds).
    public static func key(_ kind: ResourceKind, namespace: String, name: String) -> [UInt8] {
        var out = Array(root.utf8)
        out.append(contentsOf: kind.resource.utf8)
        out.append(UInt8(ascii: "/"))
        if kind.namespaced {
            out.append(contentsOf: namespace.utf8)
            out.append(UInt8(ascii: "/"))
        }
        out.append(contentsOf: name.utf8)
        return out
    }

    /// The prefix under which a list looks: every object of the kind (`namespace` empty or the kind
    /// cluster-scoped), or those of one namespace.
    public static func prefix(_ kind: ResourceKind, namespace: String) -> [UInt8] {
        var out = Array(root.utf8)
        out.append(contentsOf: kind.resource.utf8)
        out.append(UInt8(ascii: "/"))
        if kind.namespaced && !namespace.isEmpty {
            out.append(contentsOf: namespace.utf8)
            out.append(UInt8(ascii: "/"))
        }
        return out
    }

    /// The namespace and name a key of `kind` names, or nil when the key is not of that kind's shape.
    public static func parse(_ key: [UInt8], kind: ResourceKind) -> (namespace: String, name: String)? {
        let base = prefix(kind, namespace: "")
        guard key.count > base.count, key.starts(with: base) else { return nil }
        let rest = key[base.count...]
        if !kind.namespaced {
            guard !rest.contains(UInt8(ascii: "/")) else { return nil }
            return ("", String(decoding: rest, as: UTF8.self))
        }
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")), slash > rest.startIndex,
              slash + 1 < rest.endIndex, !rest[(slash + 1)...].contains(UInt8(ascii: "/")) else { return nil }
        return (String(decoding: rest[..<slash], as: UTF8.self), String(decoding: rest[(slash + 1)...], as: UTF8.self))
    }
}

extension ResourceKind {
    /// The name Kubernetes prints in messages: `pods`, `deployments.apps`.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }
}
