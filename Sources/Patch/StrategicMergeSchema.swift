import JSON

/// Patch metadata for strategic merge patch and server-side apply: for each field path, how a
/// list there is merged (Kubernetes' `patchStrategy` / `patchMergeKey` struct tags) and whether
/// the object there clears unlisted keys (`retainKeys`).
///
/// A node describes one field's value. For an object it holds the object's fields; for a list of
/// objects it holds the *elements'* fields (lists of lists do not occur in the Kubernetes API).
/// Worked example, the Deployment schema in part:
///
///     spec                        (object)
///       strategy                  retainKeys
///       template.spec.containers  list merged by key "name"; element fields:
///         ports                   list merged by key "containerPort"
///         env                     list merged by key "name"
///       template.spec.tolerations (absent: an atomic list, replaced whole)
///
/// A path with no node falls back to JSON merge patch semantics (lists replaced), as Kubernetes
/// does for custom resources.
public struct StrategicMergeSchema: Sendable, Equatable {
    /// How a list field is merged.
    public enum ListStrategy: Sendable, Equatable {
        /// The patch's list replaces the original (Kubernetes' default, "atomic").
        case replace
        /// A set of primitives: the patch's items are added, order kept (`patchStrategy:"merge"`).
        case mergePrimitives
        /// Objects identified by the named field (`patchStrategy:"merge" patchMergeKey:"<key>"`).
        case mergeByKey(String)
    }

    /// The strategy used when this field holds a list.
    public var list: ListStrategy
    /// Whether this object (or each element of this list) carries `patchStrategy:"retainKeys"`.
    public var retainKeys: Bool
    /// Child fields, by JSON name.
    public var fields: [String: StrategicMergeSchema]

    /// Creates a node.
    public init(list: ListStrategy = .replace, retainKeys: Bool = false, fields: [String: StrategicMergeSchema] = [:]) {
        self.list = list
        self.retainKeys = retainKeys
        self.fields = fields
    }

    /// The empty schema: plain merge patch semantics everywhere below.
    public static let unknown = StrategicMergeSchema()

    /// The node for child field `name` (``unknown`` when there is none).
    public func field(_ name: String) -> StrategicMergeSchema {
        fields[name] ?? .unknown
    }

    /// The merge key when this node is a list merged by key.
    public var mergeKey: String? {
        if case .mergeByKey(let key) = list { return key }
        return nil
    }

    /// Sets the list strategy (and retainKeys) of the field at a dotted path such as
    /// `spec.template.spec.containers`, creating the intermediate nodes.
    public mutating func set(_ dottedPath: String, _ list: ListStrategy, retainKeys: Bool = false) {
        update(Self.split(dottedPath)[...]) { node in
            node.list = list
            node.retainKeys = node.retainKeys || retainKeys
        }
    }

    /// Marks the object at a dotted path as `retainKeys`.
    public mutating func setRetainKeys(_ dottedPath: String) {
        update(Self.split(dottedPath)[...]) { $0.retainKeys = true }
    }

    /// Places `subtree`'s fields at a dotted path (keeping the node's own list strategy), e.g. the
    /// Pod spec under every workload template.
    public mutating func graft(_ subtree: StrategicMergeSchema, at dottedPath: String) {
        update(Self.split(dottedPath)[...]) { node in
            for (name, child) in subtree.fields {
                node.fields[name] = child
            }
            node.retainKeys = node.retainKeys || subtree.retainKeys
        }
    }

    private mutating func update(_ path: ArraySlice<String>, _ body: (inout StrategicMergeSchema) -> Void) {
        guard let first = path.first else {
            body(&self)
            return
        }
        var child = fields[first] ?? .unknown
        fields[first] = nil
        child.update(path.dropFirst(), body)
        fields[first] = child
    }

    private static func split(_ dottedPath: String) -> [String] {
        dottedPath.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
    }
}
