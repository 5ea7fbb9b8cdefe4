import Objects

/// Finds the members a request body carried that the API types do not model (they are kept in
/// each struct's `unknownFields`), for `fieldValidation=Strict` (refuse) and `Warn` (warn). Walks
/// the decoded object by reflection: only run for client writes, never on the store's hot paths.
enum UnknownFieldFinder {
    /// Paths like `spec.template.spec.containers[0].imagePullPolice`, in document order.
    static func paths(in object: Any) -> [String] {
        var out: [String] = []
        walk(object, path: "", into: &out)
        return out.filter { !knownButUnmodeled.contains($0) }
    }

    /// Members Kubernetes knows that the types keep as unknown on purpose (stored and served as written).
    static let knownButUnmodeled: Set<String> = ["metadata.managedFields", "metadata.selfLink"]

    private static func walk(_ value: Any, path: String, into out: inout [String]) {
        if let unknown = value as? UnknownFields {
            for member in unknown.members { out.append(path.isEmpty ? member.key : path + "." + member.key) }
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { walk(wrapped.value, path: path, into: &out) }
        case .collection:
            for (i, child) in mirror.children.enumerated() { walk(child.value, path: "\(path)[\(i)]", into: &out) }
        case .struct, .class:
            for child in mirror.children {
                guard let label = child.label else { continue }
                if label == "unknownFields" {
                    walk(child.value, path: path, into: &out)
                } else {
                    walk(child.value, path: path.isEmpty ? label : path + "." + label, into: &out)
                }
            }
        default:
            // Scalars, strings, enums and maps (maps of strings hold no typed members) end the walk.
            break
        }
    }
}
