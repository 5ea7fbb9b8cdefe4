import JSON

/// The metadata every stored object carries (Kubernetes' `metav1.ObjectMeta`). The store sets
/// `uid`, `resourceVersion` (the key's mod revision, as a decimal string), `generation` and
/// `creationTimestamp`; clients set the rest.
public struct ObjectMeta: Equatable, Sendable {
    public var name: String = ""
    public var generateName: String = ""
    /// Empty for cluster-scoped kinds.
    public var namespace: String = ""
    public var uid: String = ""
    public var resourceVersion: String = ""
    public var generation: Int64 = 0
    public var creationTimestamp: Timestamp?
    public var deletionTimestamp: Timestamp?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]
    public var ownerReferences: [OwnerReference] = []
    public var finalizers: [String] = []
    /// Members this type does not model (`managedFields`, `selfLink`, ...), kept in their order.
    public var unknownFields: UnknownFields = UnknownFields()

    public init(name: String = "", namespace: String = "") {
        self.name = name
        self.namespace = namespace
    }
}

/// A link from a dependent object to its owner (used by garbage collection and controllers).
public struct OwnerReference: Equatable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?
    public var unknownFields: UnknownFields = UnknownFields()

    public init(apiVersion: String, kind: String, name: String, uid: String,
                controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// The JSON object members a typed struct does not model, kept in order so that a manifest written
/// for real Kubernetes round-trips without loss. Encoders write them after the known members.
public struct UnknownFields: Equatable, Sendable {
    public var members: [(key: String, value: JSONValue)] = []

    public init() {}

    public var isEmpty: Bool { members.isEmpty }

    public subscript(key: String) -> JSONValue? {
        members.last(where: { $0.key == key })?.value
    }

    public static func == (a: UnknownFields, b: UnknownFields) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
