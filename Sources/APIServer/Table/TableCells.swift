import JSON
import Objects

/// Reading the fields a Table shows out of an object's JSON (any kind, also ones we do not model).
extension JSONValue {
    func at(_ keys: String...) -> JSONValue? {
        var v: JSONValue? = self
        for k in keys { v = v?[k] }
        return v
    }

    var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var int: Int64? {
        if case .number(let n) = self { return Int64(n) }
        return nil
    }

    var items: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }

    var members: [(key: String, value: JSONValue)] {
        if case .object(let m) = self { return m }
        return []
    }
}

/// Cell helpers shared by the per-kind rows.
enum Cells {
    static func age(_ object: JSONValue, now: Int64) -> JSONValue {
        guard let text = object.at("metadata", "creationTimestamp")?.text, let t = Timestamp(rfc3339: text) else {
            return .string("<unknown>")
        }
        return .string(HumanDuration.format(seconds: now - t.seconds))
    }

    static func since(_ value: JSONValue?, now: Int64) -> String {
        guard let text = value?.text, let t = Timestamp(rfc3339: text) else { return "<unknown>" }
        return HumanDuration.format(seconds: now - t.seconds)
    }

    static func int(_ value: JSONValue?) -> JSONValue { .number(String(value?.int ?? 0)) }

    static func string(_ value: JSONValue?, empty: String = "<none>") -> JSONValue {
        guard let s = value?.text, !s.isEmpty else { return .string(empty) }
        return .string(s)
    }

    static func containerNames(_ podSpec: JSONValue?) -> JSONValue {
        .string((podSpec?["containers"]?.items ?? []).compactMap { $0["name"]?.text }.joined(separator: ","))
    }

    static func images(_ podSpec: JSONValue?) -> JSONValue {
        .string((podSpec?["containers"]?.items ?? []).compactMap { $0["image"]?.text }.joined(separator: ","))
    }

    /// `matchLabels` and `matchExpressions` as one selector string (`app=web,tier in (a,b)`).
    static func selector(_ selector: JSONValue?) -> JSONValue {
        guard let selector else { return .string("<none>") }
        var parts = selector["matchLabels"]?.members.compactMap { m in m.value.text.map { "\(m.key)=\($0)" } }.sorted() ?? []
        for e in selector["matchExpressions"]?.items ?? [] {
            guard let key = e["key"]?.text, let op = e["operator"]?.text else { continue }
            let values = (e["values"]?.items ?? []).compactMap(\.text).joined(separator: ",")
            switch op {
            case "In": parts.append("\(key) in (\(values))")
            case "NotIn": parts.append("\(key) notin (\(values))")
            case "Exists": parts.append(key)
            case "DoesNotExist": parts.append("!\(key)")
            default: break
            }
        }
        return .string(parts.isEmpty ? "<none>" : parts.joined(separator: ","))
    }

    /// A label map as `k=v,k2=v2` (sorted), `<none>` when empty.
    static func labelMap(_ map: JSONValue?) -> JSONValue {
        let parts = (map?.members ?? []).compactMap { m in m.value.text.map { "\(m.key)=\($0)" } }.sorted()
        return .string(parts.isEmpty ? "<none>" : parts.joined(separator: ","))
    }
}
