import JSON
import YAML

/// How `tern get` prints what the server answered, the way kubectl prints it.
enum KubeOutput {
    /// Column-aligned text like kubectl's tab writer: every column but the last is padded to its
    /// widest cell plus three spaces, and to at least six characters; the last is not padded.
    static func alignColumns(_ lines: [[String]]) -> String {
        let columnCount = lines.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columnCount)
        for line in lines {
            for (i, cell) in line.enumerated() where i < columnCount - 1 {
                widths[i] = max(widths[i], max(6, cell.count + 3))
            }
        }
        var out = ""
        for line in lines {
            for (i, cell) in line.enumerated() {
                out += cell
                if i < line.count - 1 { out += String(repeating: " ", count: widths[i] - cell.count) }
            }
            out += "\n"
        }
        return out
    }

    /// The text of one Table cell as kubectl prints it (`<none>` for null).
    static func cellText(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<none>"
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return String(b)
        case .array, .object: return String(decoding: value.encoded(), as: UTF8.self)
        }
    }

    /// The lines (header first) of a `meta.k8s.io/v1` Table: priority-0 columns, or every column
    /// when `wide`; `namespaceColumn` adds NAMESPACE from each row's metadata; `namePrefix`
    /// (`deployment.apps/`) goes before the Name column's cells when several types are printed;
    /// `labelColumns` (`-L`) and `showLabels` add label columns at the end.
    static func tableLines(_ table: JSONValue, wide: Bool, namespaceColumn: Bool, namePrefix: String,
                           showLabels: Bool = false, labelColumns: [String] = []) -> [[String]] {
        let columns = table["columnDefinitions"]?.arrayValue ?? []
        var shown: [Int] = []
        var header: [String] = namespaceColumn ? ["NAMESPACE"] : []
        for (i, column) in columns.enumerated() {
            let priority = Int(column["priority"]?.stringValue ?? "0") ?? 0
            guard wide || priority == 0 else { continue }
            shown.append(i)
            header.append((column["name"]?.stringValue ?? "").uppercased())
        }
        header += labelColumns.map { $0.uppercased() }
        if showLabels { header.append("LABELS") }
        let nameIndex = columns.firstIndex { $0["format"]?.stringValue == "name" } ?? 0
        var lines = [header]
        for row in table["rows"]?.arrayValue ?? [] {
            let cells = row["cells"]?.arrayValue ?? []
            var line: [String] = []
            if namespaceColumn { line.append(row["object"]?["metadata"]?["namespace"]?.stringValue ?? "") }
            for i in shown {
                let text = i < cells.count ? cellText(cells[i]) : ""
                line.append(i == nameIndex ? namePrefix + text : text)
            }
            let labels = row["object"]?["metadata"]?["labels"]
            for key in labelColumns { line.append(labels?[key]?.stringValue ?? "") }
            if showLabels { line.append(labelsText(labels)) }
            lines.append(line)
        }
        return lines
    }

    /// Labels as `--show-labels` prints them: `k=v,k2=v2` sorted by key, or `<none>`.
    static func labelsText(_ labels: JSONValue?) -> String {
        guard case .object(let members)? = labels, !members.isEmpty else { return "<none>" }
        return members.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
    }

    /// The value with every object's members sorted by key, as kubectl prints JSON and YAML.
    static func sortedKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.map { (key: $0.key, value: sortedKeys($0.value)) }.sorted { $0.key < $1.key })
        case .array(let items):
            return .array(items.map(sortedKeys))
        default:
            return value
        }
    }

    /// JSON indented by four spaces, as `kubectl get -o json` prints it.
    static func prettyJSON(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        appendPretty(value, indent: 0, to: &out)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendPretty(_ value: JSONValue, indent: Int, to out: inout [UInt8]) {
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                out.append(contentsOf: (i == 0 ? "\n" : ",\n").utf8)
                out.append(contentsOf: repeatElement(0x20, count: indent + 4))
                appendPretty(item, indent: indent + 4, to: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                out.append(contentsOf: (i == 0 ? "\n" : ",\n").utf8)
                out.append(contentsOf: repeatElement(0x20, count: indent + 4))
                JSONText.appendString(member.key, to: &out)
                out.append(contentsOf: ": ".utf8)
                appendPretty(member.value, indent: indent + 4, to: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(UInt8(ascii: "}"))
        default:
            value.append(to: &out)
        }
    }

    /// One object or a `List` in `-o json` or `-o yaml` form (keys sorted, like kubectl).
    static func document(_ objects: [JSONValue], asList: Bool, yaml: Bool) -> String {
        let value: JSONValue = asList || objects.count != 1
            ? .object([("apiVersion", .string("v1")), ("items", .array(objects)), ("kind", .string("List")),
                       ("metadata", .object([("resourceVersion", .string(""))]))])
            : objects[0]
        let sorted = sortedKeys(value)
        return yaml ? YAMLWriter.write(sorted) : prettyJSON(sorted)
    }

    /// The object without `metadata.managedFields` (kubectl hides them unless `--show-managed-fields`).
    static func withoutManagedFields(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object, let i = members.lastIndex(where: { $0.key == "metadata" }),
              case .object(var metadata) = members[i].value else { return object }
        metadata.removeAll { $0.key == "managedFields" }
        members[i].value = .object(metadata)
        return .object(members)
    }

    /// An object with `apiVersion` and `kind` first, filled in from its type when a list left them out.
    static func withType(_ object: JSONValue, apiVersion: String, kind: String) -> JSONValue {
        guard case .object(var members) = object else { return object }
        if object["kind"] == nil { members.insert((key: "kind", value: .string(kind)), at: 0) }
        if object["apiVersion"] == nil { members.insert((key: "apiVersion", value: .string(apiVersion)), at: 0) }
        return .object(members)
    }
}
