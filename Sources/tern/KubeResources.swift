import Objects

/// What a `get`/`delete`/`describe` command line names: resource types (each with the object
/// names asked for, empty for "all of them"), resolved the way kubectl resolves them.
struct KubeTarget: Equatable {
    var kind: ResourceKind
    var names: [String]
}

/// Resource names as kubectl accepts them, over the kinds Tern serves.
enum KubeResources {
    /// The kinds of kubectl's `all` category, in the order kubectl prints them.
    static let allCategoryOrder = ["pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets",
                                   "jobs", "cronjobs"]

    /// The kind named by `word`: plural, singular, short name or kind, optionally qualified by its
    /// group (`deployments.apps`, `deploy.apps`).
    static func kind(named word: String, registry: KindRegistry = .standard) -> ResourceKind? {
        let lower = word.lowercased()
        if let codec = registry.codec(named: lower) { return codec.resourceKind }
        guard let dot = lower.firstIndex(of: ".") else { return nil }
        let base = String(lower[..<dot])
        let group = String(lower[lower.index(after: dot)...])
        return registry.kinds.map(\.resourceKind).first { k in
            k.group == group && (k.resource == base || k.singular == base || k.shortNames.contains(base) || k.kind.lowercased() == base)
        }
    }

    /// The kinds for one comma-separated type word (`deploy,rs,po`, `all`), without repeats.
    /// - Throws: ``KubeError/server(code:reason:message:)`` like kubectl's "doesn't have a resource type".
    static func kinds(_ list: String, registry: KindRegistry = .standard) throws(KubeError) -> [ResourceKind] {
        var out: [ResourceKind] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: true) {
            let word = String(part)
            var found: [ResourceKind]
            if word.lowercased() == "all" {
                found = allCategoryOrder.compactMap { r in
                    registry.kinds.first { $0.resourceKind.resource == r && $0.resourceKind.categories.contains("all") }?.resourceKind
                }
            } else if let k = kind(named: word, registry: registry) {
                found = [k]
            } else {
                throw .refused("the server doesn't have a resource type \"\(word)\"")
            }
            found.removeAll { f in out.contains(f) }
            out += found
        }
        if out.isEmpty { throw .usage("a resource type is required, e.g. pods, deploy, svc") }
        return out
    }

    /// Resolves `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME [TYPE/NAME...]`.
    /// Names after a type list apply to each type (`get deploy,svc web`), as in kubectl.
    /// - Throws: ``KubeError`` for an unknown type or mixed forms.
    static func targets(_ words: [String], registry: KindRegistry = .standard) throws(KubeError) -> [KubeTarget] {
        guard let first = words.first else { throw .usage("a resource type is required, e.g. pods, deploy, svc") }
        if first.contains("/") {
            var out: [KubeTarget] = []
            for word in words {
                guard let slash = word.firstIndex(of: "/"), slash != word.startIndex, word.index(after: slash) != word.endIndex else {
                    throw .usage("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (\(word))")
                }
                let kinds = try kinds(String(word[..<slash]), registry: registry)
                guard kinds.count == 1 else { throw .usage("\(word): TYPE/NAME needs exactly one type") }
                let name = String(word[word.index(after: slash)...])
                if let i = out.firstIndex(where: { $0.kind == kinds[0] }) {
                    out[i].names.append(name)
                } else {
                    out.append(KubeTarget(kind: kinds[0], names: [name]))
                }
            }
            return out
        }
        let kinds = try kinds(first, registry: registry)
        let names = Array(words.dropFirst())
        if let bad = names.first(where: { $0.contains("/") }) {
            throw .usage("\(bad): use either TYPE NAME... or TYPE/NAME..., not both")
        }
        return kinds.map { KubeTarget(kind: $0, names: names) }
    }

    /// `deployment.apps` / `pod`: how kubectl names a kind in its messages.
    static func qualifiedKind(_ kind: ResourceKind) -> String {
        kind.kind.lowercased() + (kind.group.isEmpty ? "" : "." + kind.group)
    }

    /// The URL path of a collection (`name` nil) or of one object, optionally a subresource.
    /// `namespace` nil for a namespaced kind lists across all namespaces.
    static func path(_ kind: ResourceKind, namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = kind.group.isEmpty ? "/api/\(kind.version)" : "/apis/\(kind.group)/\(kind.version)"
        if kind.namespaced, let namespace { path += "/namespaces/" + percentEncode(namespace) }
        path += "/" + kind.resource
        if let name { path += "/" + percentEncode(name) }
        if let subresource { path += "/" + subresource }
        return path
    }

    /// Percent-encodes everything but unreserved characters (for path segments and query values).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
