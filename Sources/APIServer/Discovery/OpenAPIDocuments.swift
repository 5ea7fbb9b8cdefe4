import JSON
import Objects

/// OpenAPI v3 as kubectl needs it: an index of group versions with content-hash URLs, and per group
/// version a paths-only document whose PATCH operations name their kind and accept
/// `fieldValidation` — which tells kubectl to leave field validation to the server. Schemas are
/// not served (kubectl's `explain` needs them; nothing else we support does).
public struct OpenAPIDocuments: Sendable {
    /// Group version path (`api/v1`, `apis/apps/v1`) → its document, encoded once.
    public let documents: [String: [UInt8]]
    /// The index, encoded once.
    public let index: [UInt8]

    public init(resources: [ServedResource]) {
        var byPath: [String: [ServedResource]] = [:]
        var order: [String] = []
        for r in resources {
            let path = r.kind.group.isEmpty ? "api/\(r.kind.version)" : "apis/\(r.kind.group)/\(r.kind.version)"
            if byPath[path] == nil { order.append(path) }
            byPath[path, default: []].append(r)
        }
        var documents: [String: [UInt8]] = [:]
        var entries: [(key: String, value: JSONValue)] = []
        for path in order {
            let doc = Self.document(prefix: "/" + path, resources: byPath[path] ?? []).encoded()
            documents[path] = doc
            entries.append((path, .object([("serverRelativeURL", .string("/openapi/v3/\(path)?hash=\(Self.hash(doc))"))])))
        }
        self.documents = documents
        index = JSONValue.object([("paths", .object(entries))]).encoded()
    }

    /// A stable content hash (FNV-1a 64, upper-case hex), so the URL changes only with the document.
    static func hash(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16, uppercase: true)
    }

    private static func document(prefix: String, resources: [ServedResource]) -> JSONValue {
        var paths: [(key: String, value: JSONValue)] = []
        for r in resources {
            let k = r.kind
            let gvk: JSONValue = .object([("group", .string(k.group)), ("version", .string(k.version)), ("kind", .string(k.kind))])
            let base = k.namespaced ? "\(prefix)/namespaces/{namespace}/\(k.resource)" : "\(prefix)/\(k.resource)"
            let fieldValidation: JSONValue = .object([
                ("name", .string("fieldValidation")), ("in", .string("query")),
                ("description", .string("Strict, Warn or Ignore: what the server does with unknown or duplicate fields.")),
                ("schema", .object([("type", .string("string")), ("uniqueItems", .bool(true))])),
            ])
            func operation(_ id: String, validation: Bool) -> JSONValue {
                var members: [(key: String, value: JSONValue)] = [
                    ("operationId", .string(id + k.kind)),
                    ("x-kubernetes-group-version-kind", gvk),
                ]
                if validation { members.append(("parameters", .array([fieldValidation]))) }
                members.append(("responses", .object([("200", .object([("description", .string("OK"))]))])))
                return .object(members)
            }
            paths.append((base, .object([
                ("get", operation("list", validation: false)),
                ("post", operation("create", validation: true)),
            ])))
            paths.append((base + "/{name}", .object([
                ("get", operation("read", validation: false)),
                ("put", operation("replace", validation: true)),
                ("patch", operation("patch", validation: true)),
                ("delete", operation("delete", validation: false)),
            ])))
        }
        return .object([
            ("openapi", .string("3.0.0")),
            ("info", .object([("title", .string("Tern")), ("version", .string(TernVersion.string))])),
            ("paths", .object(paths)),
            ("components", .object([("schemas", .object([]))])),
        ])
    }
}
