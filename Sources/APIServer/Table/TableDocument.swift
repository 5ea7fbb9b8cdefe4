import JSON

/// Builds `meta.k8s.io/v1` Tables: the answer to a list (or get, or watch event) requested with
/// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Each row carries the object's metadata
/// as `PartialObjectMetadata`, which kubectl needs for `-A`, `--show-labels` and `-L`.
public enum TableDocument {
    /// A Table of `objects` (each the object's full JSON). `columnDefinitions` can be left out for
    /// the second and later watch events, as the real server does.
    public static func table(printer: TablePrinter, objects: [JSONValue], resourceVersion: String,
                             continueToken: String = "", includeColumns: Bool = true, nowSeconds: Int64) -> JSONValue {
        var metadata: [(key: String, value: JSONValue)] = [("resourceVersion", .string(resourceVersion))]
        if !continueToken.isEmpty { metadata.append(("continue", .string(continueToken))) }
        let columns: [JSONValue] = includeColumns ? printer.columns.map { c in
            .object([("name", .string(c.name)), ("type", .string(c.type)), ("format", .string(c.format)),
                     ("description", .string(c.description)), ("priority", .number(String(c.priority)))])
        } : []
        let rows: [JSONValue] = objects.map { o in
            .object([
                ("cells", .array(printer.cells(of: o, nowSeconds: nowSeconds))),
                ("object", .object([
                    ("kind", .string("PartialObjectMetadata")), ("apiVersion", .string("meta.k8s.io/v1")),
                    ("metadata", o["metadata"] ?? .object([])),
                ])),
            ])
        }
        return .object([
            ("kind", .string("Table")), ("apiVersion", .string("meta.k8s.io/v1")), ("metadata", .object(metadata)),
            ("columnDefinitions", .array(columns)), ("rows", .array(rows)),
        ])
    }

    /// Whether an Accept header asks for a Table (`as=Table` with `g=meta.k8s.io`).
    public static func isRequested(accept: String?) -> Bool {
        guard let accept else { return false }
        for part in accept.split(separator: ",") {
            let params = part.split(separator: ";").map { $0.trimmingCharacters(in: " ") }
            if params.contains("as=Table") && params.contains("g=meta.k8s.io") { return true }
        }
        return false
    }
}
