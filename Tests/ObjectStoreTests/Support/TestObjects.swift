import JSON
import Objects

/// TEST TYPE: a minimal metadata codec for the test kinds (the real ObjectMeta codec is another
/// module's); labels and annotations are written sorted so encoding is deterministic.
enum TestMetaCodec {
    static func encode(_ m: ObjectMeta) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        func add(_ key: String, _ value: String) { if !value.isEmpty { members.append((key, .string(value))) } }
        add("name", m.name)
        add("generateName", m.generateName)
        add("namespace", m.namespace)
        add("uid", m.uid)
        add("resourceVersion", m.resourceVersion)
        if m.generation != 0 { members.append(("generation", .number(String(m.generation)))) }
        if let t = m.creationTimestamp { members.append(("creationTimestamp", .string(t.rfc3339))) }
        if let t = m.deletionTimestamp { members.append(("deletionTimestamp", .string(t.rfc3339))) }
        if let g = m.deletionGracePeriodSeconds { members.append(("deletionGracePeriodSeconds", .number(String(g)))) }
        func map(_ d: [String: String]) -> JSONValue { .object(d.keys.sorted().map { ($0, .string(d[$0]!)) }) }
        if !m.labels.isEmpty { members.append(("labels", map(m.labels))) }
        if !m.annotations.isEmpty { members.append(("annotations", map(m.annotations))) }
        if !m.finalizers.isEmpty { members.append(("finalizers", .array(m.finalizers.map { .string($0) }))) }
        return .object(members)
    }

    static func decode(_ v: JSONValue?) throws(ObjectCodecError) -> ObjectMeta {
        var m = ObjectMeta()
        guard let v else { return m }
        guard case .object(let members) = v else { throw .wrongType(path: "metadata", expected: "object", found: v.typeName) }
        for (key, value) in members {
            switch (key, value) {
            case ("name", .string(let s)): m.name = s
            case ("generateName", .string(let s)): m.generateName = s
            case ("namespace", .string(let s)): m.namespace = s
            case ("uid", .string(let s)): m.uid = s
            case ("resourceVersion", .string(let s)): m.resourceVersion = s
            case ("generation", .number(let n)): m.generation = Int64(n) ?? 0
            case ("creationTimestamp", .string(let s)): m.creationTimestamp = Timestamp(rfc3339: s)
            case ("deletionTimestamp", .string(let s)): m.deletionTimestamp = Timestamp(rfc3339: s)
            case ("deletionGracePeriodSeconds", .number(let n)): m.deletionGracePeriodSeconds = Int64(n)
            case ("labels", .object(let l)): for (k, x) in l { if case .string(let s) = x { m.labels[k] = s } }
            case ("annotations", .object(let l)): for (k, x) in l { if case .string(let s) = x { m.annotations[k] = s } }
            case ("finalizers", .array(let items)): m.finalizers = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            default: throw .wrongType(path: "metadata.\(key)", expected: "a known member", found: value.typeName)
            }
        }
        return m
    }
}

/// TEST TYPE: a namespaced kind with spec and status (a status subresource), in a non-core group.
struct TestWidget: APIObject {
    static let resourceKind = ResourceKind(group: "example.dev", version: "v1", kind: "Widget", resource: "widgets",
                                           singular: "widget", namespaced: true, hasStatus: true)
    var metadata: ObjectMeta
    var spec: JSONValue
    var status: JSONValue

    init(namespace: String = "default", name: String, spec: JSONValue = .object([]), status: JSONValue = .object([]),
         labels: [String: String] = [:]) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.labels = labels
        self.spec = spec
        self.status = status
    }

    init(json: [UInt8]) throws(ObjectCodecError) {
        let v: JSONValue
        do { v = try JSONParser.parse(json) } catch { throw .malformed(error) }
        if let kind = v["kind"], kind != .string("Widget") { throw .wrongKind(expected: "Widget", found: "\(kind)") }
        metadata = try TestMetaCodec.decode(v["metadata"])
        spec = v["spec"] ?? .object([])
        status = v["status"] ?? .object([])
    }

    func encodeJSON() -> [UInt8] {
        JSONValue.object([("apiVersion", .string("example.dev/v1")), ("kind", .string("Widget")),
                          ("metadata", TestMetaCodec.encode(metadata)), ("spec", spec), ("status", status)]).encoded()
    }

    func hasSameSpec(as other: TestWidget) -> Bool { spec == other.spec }
    mutating func copyStatus(from other: TestWidget) { status = other.status }

    /// `spec.count` as an integer (0 when absent), for counter tests.
    var count: Int {
        if case .number(let n)? = spec["count"] { return Int(n) ?? 0 }
        return 0
    }

    func withCount(_ n: Int) -> TestWidget {
        var copy = self
        copy.spec = .object([("count", .number(String(n)))])
        return copy
    }
}

/// TEST TYPE: a cluster-scoped core-group kind without a status subresource.
struct TestGadget: APIObject {
    static let resourceKind = ResourceKind(group: "", version: "v1", kind: "Gadget", resource: "gadgets",
                                           singular: "gadget", namespaced: false, hasStatus: false)
    var metadata: ObjectMeta
    var data: JSONValue

    init(name: String, data: JSONValue = .object([])) {
        metadata = ObjectMeta(name: name)
        self.data = data
    }

    init(json: [UInt8]) throws(ObjectCodecError) {
        let v: JSONValue
        do { v = try JSONParser.parse(json) } catch { throw .malformed(error) }
        metadata = try TestMetaCodec.decode(v["metadata"])
        data = v["data"] ?? .object([])
    }

    func encodeJSON() -> [UInt8] {
        JSONValue.object([("apiVersion", .string("v1")), ("kind", .string("Gadget")),
                          ("metadata", TestMetaCodec.encode(metadata)), ("data", data)]).encoded()
    }

    func hasSameSpec(as other: TestGadget) -> Bool { data == other.data }
    mutating func copyStatus(from other: TestGadget) {}
}
