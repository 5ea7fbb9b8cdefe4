import JSON
import Objects

/// The label and field selectors of a list or watch as one predicate over objects. Field
/// selectors accept the fields Kubernetes supports for the kind (`metadata.name` and
/// `metadata.namespace` for every kind, plus e.g. `spec.nodeName` and `status.phase` for pods and
/// `involvedObject.*` for events); others are refused with 400 as Kubernetes does.
struct SelectorFilter<T: APIObject> {
    /// nil when both selectors are empty (everything matches).
    let predicate: (@Sendable (T) -> Bool)?

    init(label: String, field: String) throws(APIStatus) {
        let labels: LabelSelector
        let fields: FieldSelector
        do { labels = try LabelSelector(parsing: label) } catch {
            throw APIStatus.badRequest("unable to parse labelSelector \"\(label)\": \(error)")
        }
        do { fields = try FieldSelector(parsing: field) } catch {
            throw APIStatus.badRequest("unable to parse fieldSelector \"\(field)\": \(error)")
        }
        let supported = Self.selectableFields(T.resourceKind.resource)
        for term in fields.terms where term.field != "metadata.name" && term.field != "metadata.namespace" && supported[term.field] == nil {
            throw APIStatus.badRequest("field label not supported: \(term.field)")
        }
        if labels.isEverything && fields.isEverything {
            predicate = nil
            return
        }
        let needsJSON = fields.terms.contains { supported[$0.field] != nil }
        predicate = { object in
            guard labels.matches(object.metadata.labels) else { return false }
            if fields.isEverything { return true }
            let json: JSONValue? = needsJSON ? (try? JSONParser.parse(object.encodeJSON())) : nil
            return fields.matches { name in
                switch name {
                case "metadata.name": return object.metadata.name
                case "metadata.namespace": return object.metadata.namespace
                default:
                    guard let path = supported[name] else { return nil }
                    return Self.text(at: path, in: json)
                }
            }
        }
    }

    /// Field selector name → JSON path, per resource (beyond metadata.name and metadata.namespace).
    static func selectableFields(_ resource: String) -> [String: [String]] {
        func same(_ names: [String]) -> [String: [String]] {
            Dictionary(uniqueKeysWithValues: names.map { ($0, $0.split(separator: ".").map(String.init)) })
        }
        switch resource {
        case "pods":
            return same(["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                         "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"])
        case "events":
            var fields = same(["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                               "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                               "reason", "reportingComponent", "type"])
            fields["source"] = ["source", "component"]
            return fields
        case "nodes": return same(["spec.unschedulable"])
        case "secrets": return same(["type"])
        case "namespaces": return same(["status.phase"])
        case "replicasets", "replicationcontrollers": return same(["status.replicas"])
        case "jobs": return same(["status.successful"])
        default: return [:]
        }
    }

    /// A field's value as a selector compares it: strings as they are, numbers and booleans as
    /// written, a missing field as "".
    static func text(at path: [String], in json: JSONValue?) -> String {
        var value = json
        for key in path { value = value?[key] }
        switch value {
        case .string(let s)?: return s
        case .number(let n)?: return n
        case .bool(let b)?: return b ? "true" : "false"
        default: return ""
        }
    }
}
