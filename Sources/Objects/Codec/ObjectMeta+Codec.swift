extension ObjectMeta: JSONObjectCodable {
    /// Empty metadata.
    public init() {
        self.init(name: "", namespace: "")
    }

    /// Decodes `metadata`; unknown members (`managedFields`, `selfLink`, ...) are kept.
    public init(from r: inout JSONPullReader) throws(ObjectCodecError) {
        var m = ObjectMeta()
        try r.readObject { (r, key) throws(ObjectCodecError) in
            switch key {
            case "name": m.name = try r.readString()
            case "generateName": m.generateName = try r.readString()
            case "namespace": m.namespace = try r.readString()
            case "uid": m.uid = try r.readString()
            case "resourceVersion": m.resourceVersion = try r.readString()
            case "generation": m.generation = try r.readInt64()
            case "creationTimestamp": m.creationTimestamp = try r.readTimestamp()
            case "deletionTimestamp": m.deletionTimestamp = try r.readTimestamp()
            case "deletionGracePeriodSeconds": m.deletionGracePeriodSeconds = try r.readOptionalInt64()
            case "labels": m.labels = try r.readStringMap()
            case "annotations": m.annotations = try r.readStringMap()
            case "ownerReferences": m.ownerReferences = try r.readList(OwnerReference.self)
            case "finalizers": m.finalizers = try r.readStringList()
            default: m.unknownFields.members.append((key.string, try r.readValue()))
            }
        }
        self = m
    }

    /// Appends `metadata` in Kubernetes' member order, empty members left out.
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.member("name", name)
        w.member("generateName", generateName)
        w.member("namespace", namespace)
        w.member("uid", uid)
        w.member("resourceVersion", resourceVersion)
        w.member("generation", generation)
        w.timeMember("creationTimestamp", creationTimestamp)
        w.timeMember("deletionTimestamp", deletionTimestamp)
        w.member("deletionGracePeriodSeconds", deletionGracePeriodSeconds)
        w.member("labels", labels)
        w.member("annotations", annotations)
        w.member("ownerReferences", ownerReferences)
        w.member("finalizers", finalizers)
        w.unknown(unknownFields)
        w.endObject()
    }
}

extension OwnerReference: JSONObjectCodable {
    /// An empty reference (all fields "").
    public init() {
        self.init(apiVersion: "", kind: "", name: "", uid: "")
    }

    /// Decodes one `ownerReferences` entry.
    public init(from r: inout JSONPullReader) throws(ObjectCodecError) {
        var o = OwnerReference()
        try r.readObject { (r, key) throws(ObjectCodecError) in
            switch key {
            case "apiVersion": o.apiVersion = try r.readString()
            case "kind": o.kind = try r.readString()
            case "name": o.name = try r.readString()
            case "uid": o.uid = try r.readString()
            case "controller": o.controller = try r.readOptionalBool()
            case "blockOwnerDeletion": o.blockOwnerDeletion = try r.readOptionalBool()
            default: o.unknownFields.members.append((key.string, try r.readValue()))
            }
        }
        self = o
    }

    /// Appends the reference (apiVersion, kind, name, uid always written, as Go does).
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.requiredMember("apiVersion", apiVersion)
        w.requiredMember("kind", kind)
        w.requiredMember("name", name)
        w.requiredMember("uid", uid)
        w.member("controller", controller)
        w.member("blockOwnerDeletion", blockOwnerDeletion)
        w.unknown(unknownFields)
        w.endObject()
    }
}

extension LabelSelectorSpec: JSONObjectCodable {
    /// An empty selector (matches everything).
    public init() {
        self.init(matchLabels: [:], matchExpressions: [])
    }

    /// Decodes `matchLabels` and `matchExpressions`.
    public init(from r: inout JSONPullReader) throws(ObjectCodecError) {
        var s = LabelSelectorSpec()
        try r.readObject { (r, key) throws(ObjectCodecError) in
            switch key {
            case "matchLabels": s.matchLabels = try r.readStringMap()
            case "matchExpressions": s.matchExpressions = try r.readList(LabelSelectorRequirement.self)
            default: s.unknownFields.members.append((key.string, try r.readValue()))
            }
        }
        self = s
    }

    /// Appends the selector (`{}` when empty: an empty selector is meaningful).
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.member("matchLabels", matchLabels)
        w.member("matchExpressions", matchExpressions)
        w.unknown(unknownFields)
        w.endObject()
    }
}

extension LabelSelectorRequirement: JSONObjectCodable {
    /// An empty requirement.
    public init() {
        self.init(key: "", operator: "")
    }

    /// Decodes `key`, `operator`, `values`.
    public init(from r: inout JSONPullReader) throws(ObjectCodecError) {
        var q = LabelSelectorRequirement()
        try r.readObject { (r, key) throws(ObjectCodecError) in
            switch key {
            case "key": q.key = try r.readString()
            case "operator": q.operator = try r.readString()
            case "values": q.values = try r.readStringList()
            default: q.unknownFields.members.append((key.string, try r.readValue()))
            }
        }
        self = q
    }

    /// Appends the requirement (`key` and `operator` always written).
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.requiredMember("key", key)
        w.requiredMember("operator", self.operator)
        w.member("values", values)
        w.unknown(unknownFields)
        w.endObject()
    }
}
