/// A path to a field of an API object, printed as Kubernetes prints it: `spec.containers[0].image`,
/// `metadata.labels[app]`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public private(set) var description: String

    /// The path of a top-level field (`metadata`, `spec`).
    public init(_ root: String) { description = root }

    /// The path of a member field: `spec` → `spec.replicas`.
    public func child(_ name: String) -> FieldPath {
        var p = self
        p.description += description.isEmpty ? name : "." + name
        return p
    }

    /// The path of a list element: `spec.containers` → `spec.containers[0]`.
    public func index(_ i: Int) -> FieldPath {
        var p = self
        p.description += "[\(i)]"
        return p
    }

    /// The path of a map entry: `metadata.labels` → `metadata.labels[app]`.
    public func key(_ k: String) -> FieldPath {
        var p = self
        p.description += "[\(k)]"
        return p
    }
}
