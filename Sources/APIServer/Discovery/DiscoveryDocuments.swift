import JSON
import Objects

/// The discovery documents kubectl reads to learn what the server serves, built once from the
/// served resources: aggregated (`APIGroupDiscoveryList`, two requests) and legacy (`APIVersions`,
/// `APIGroupList`, one `APIResourceList` per group version).
public struct DiscoveryDocuments: Sendable {
    /// The Content-Type an aggregated answer must carry, or kubectl reads it as legacy and finds nothing.
    public static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    public let resources: [ServedResource]
    /// Group names other than core, in the order they are listed (first appearance).
    public let groups: [String]

    public init(resources: [ServedResource]) {
        self.resources = resources
        var groups: [String] = []
        for r in resources where !r.kind.group.isEmpty && !groups.contains(r.kind.group) {
            groups.append(r.kind.group)
        }
        self.groups = groups
    }

    /// The version served for a group (one version per group today).
    public func version(ofGroup group: String) -> String? {
        resources.first(where: { $0.kind.group == group })?.kind.version
    }

    /// The resource served at `group`/`version` under `name` (plural), or nil.
    public func resource(group: String, version: String, name: String) -> ServedResource? {
        resources.first { $0.kind.group == group && $0.kind.version == version && $0.kind.resource == name }
    }

    // MARK: aggregated

    /// `GET /api` (core) or `GET /apis` (every other group) as an `APIGroupDiscoveryList`.
    public func aggregated(core: Bool) -> JSONValue {
        let names = core ? [""] : groups
        let items: [JSONValue] = names.map { group in
            let version = version(ofGroup: group) ?? "v1"
            let served = resources.filter { $0.kind.group == group }
            return .object([
                ("metadata", .object([("name", .string(group))])),
                ("versions", .array([.object([
                    ("version", .string(version)),
                    ("resources", .array(served.map(aggregatedResource))),
                    ("freshness", .string("Current")),
                ])])),
            ])
        }
        return .object([
            ("kind", .string("APIGroupDiscoveryList")), ("apiVersion", .string("apidiscovery.k8s.io/v2")),
            ("metadata", .object([])), ("items", .array(items)),
        ])
    }

    private func aggregatedResource(_ r: ServedResource) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("resource", .string(r.kind.resource)),
            ("responseKind", gvk(r.kind.group, r.kind.version, r.kind.kind)),
            ("scope", .string(r.kind.namespaced ? "Namespaced" : "Cluster")),
            ("singularResource", .string(r.kind.singular)),
            ("verbs", strings(r.verbs)),
        ]
        if !r.kind.shortNames.isEmpty { members.append(("shortNames", strings(r.kind.shortNames))) }
        if !r.kind.categories.isEmpty { members.append(("categories", strings(r.kind.categories))) }
        if !r.subresources.isEmpty {
            members.append(("subresources", .array(r.subresources.map { s in
                .object([("subresource", .string(s.name)), ("responseKind", gvk(s.group, s.version, s.kind)), ("verbs", strings(s.verbs))])
            })))
        }
        return .object(members)
    }

    // MARK: legacy

    /// `GET /api`: `APIVersions`.
    public func coreVersions(serverAddress: String) -> JSONValue {
        .object([
            ("kind", .string("APIVersions")), ("versions", strings(["v1"])),
            ("serverAddressByClientCIDRs", .array([.object([("clientCIDR", .string("0.0.0.0/0")), ("serverAddress", .string(serverAddress))])])),
        ])
    }

    /// `GET /apis`: `APIGroupList`.
    public func groupList() -> JSONValue {
        .object([("kind", .string("APIGroupList")), ("apiVersion", .string("v1")), ("groups", .array(groups.compactMap(apiGroup)))])
    }

    /// `GET /apis/<group>`: `APIGroup`, or nil for an unknown group.
    public func apiGroup(_ name: String) -> JSONValue? {
        guard let version = version(ofGroup: name), !name.isEmpty else { return nil }
        let gv: JSONValue = .object([("groupVersion", .string("\(name)/\(version)")), ("version", .string(version))])
        return .object([
            ("kind", .string("APIGroup")), ("apiVersion", .string("v1")), ("name", .string(name)),
            ("versions", .array([gv])), ("preferredVersion", gv),
        ])
    }

    /// `GET /api/v1` or `/apis/<group>/<version>`: `APIResourceList`, or nil if not served.
    public func resourceList(group: String, version: String) -> JSONValue? {
        let served = resources.filter { $0.kind.group == group && $0.kind.version == version }
        guard !served.isEmpty else { return nil }
        var entries: [JSONValue] = []
        for r in served {
            var members: [(key: String, value: JSONValue)] = [
                ("name", .string(r.kind.resource)), ("singularName", .string(r.kind.singular)),
                ("namespaced", .bool(r.kind.namespaced)), ("kind", .string(r.kind.kind)), ("verbs", strings(r.verbs)),
            ]
            if !r.kind.shortNames.isEmpty { members.append(("shortNames", strings(r.kind.shortNames))) }
            if !r.kind.categories.isEmpty { members.append(("categories", strings(r.kind.categories))) }
            entries.append(.object(members))
            for s in r.subresources {
                var sub: [(key: String, value: JSONValue)] = [
                    ("name", .string("\(r.kind.resource)/\(s.name)")), ("singularName", .string("")),
                    ("namespaced", .bool(r.kind.namespaced)),
                ]
                if s.group != group || s.version != version {
                    sub.append(("group", .string(s.group)))
                    sub.append(("version", .string(s.version)))
                }
                sub.append(("kind", .string(s.kind)))
                sub.append(("verbs", strings(s.verbs)))
                entries.append(.object(sub))
            }
        }
        return .object([
            ("kind", .string("APIResourceList")), ("apiVersion", .string("v1")),
            ("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)")), ("resources", .array(entries)),
        ])
    }

    private func gvk(_ group: String, _ version: String, _ kind: String) -> JSONValue {
        .object([("group", .string(group)), ("version", .string(version)), ("kind", .string(kind))])
    }

    private func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
}
