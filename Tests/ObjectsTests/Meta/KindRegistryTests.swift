import Testing
@testable import Objects

@Suite("KindRegistry: every kind with Kubernetes' names")
struct KindRegistryTests {
    @Test("resource names, short names, scope and categories")
    func names() throws {
        let registry = KindRegistry.standard
        #expect(registry.kinds.count == 16)
        let shorts = registry.kinds.flatMap(\.resourceKind.shortNames).sorted()
        #expect(shorts == ["cj", "cm", "deploy", "ds", "ep", "ev", "no", "ns", "po", "rs", "sa", "sts", "svc"])
        let all = registry.kinds.filter { $0.resourceKind.categories.contains("all") }.map(\.resourceKind.resource).sorted()
        #expect(all == ["cronjobs", "daemonsets", "deployments", "jobs", "pods", "replicasets", "services", "statefulsets"])
        let clusterScoped = registry.kinds.filter { !$0.resourceKind.namespaced }.map(\.resourceKind.kind).sorted()
        #expect(clusterScoped == ["Namespace", "Node"])
        #expect(registry.codec(group: "apps", resource: "deployments")?.resourceKind.kind == "Deployment")
        #expect(registry.codec(group: "", resource: "deployments") == nil)
        #expect(registry.codec(named: "deploy")?.resourceKind.resource == "deployments")
        #expect(registry.codec(named: "Pod")?.resourceKind.resource == "pods")
        #expect(registry.codec(apiVersion: "coordination.k8s.io/v1", kind: "Lease")?.resourceKind.resource == "leases")
        #expect(registry.codec(apiVersion: "batch/v1", kind: "CronJob")?.resourceKind.apiVersion == "batch/v1")
    }

    @Test("decode dispatches on apiVersion and kind; errors are typed")
    func decode() throws {
        let object = try KindRegistry.standard.decode(Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}"#.utf8))
        let cm = try #require(object as? ConfigMap)
        #expect(cm.data == ["k": "v"])
        #expect(throws: KindRegistryError.missingTypeMembers) {
            try KindRegistry.standard.decode(Array(#"{"metadata":{}}"#.utf8))
        }
        #expect(throws: KindRegistryError.unknownKind(apiVersion: "v1", kind: "Widget")) {
            try KindRegistry.standard.decode(Array(#"{"apiVersion":"v1","kind":"Widget"}"#.utf8))
        }
        #expect(throws: KindRegistryError.codec(.wrongType(path: "data.k", expected: "string", found: "number"))) {
            try KindRegistry.standard.decode(Array(#"{"apiVersion":"v1","kind":"ConfigMap","data":{"k":1}}"#.utf8))
        }
    }

    @Test("each kind's codec encodes its own kind and refuses others")
    func codecs() throws {
        let registry = KindRegistry.standard
        let pod = try Pod(json: try Fixtures.bytes("served/pod-running.json"))
        let podCodec = try #require(registry.codec(group: "", resource: "pods"))
        #expect(podCodec.encode(pod) == pod.encodeJSON())
        #expect(registry.codec(group: "", resource: "services")?.encode(pod) == nil)
        for codec in registry.kinds {
            // An empty object of every kind encodes with its kind and apiVersion and decodes back.
            let empty = try codec.decode(Array("{}".utf8))
            let bytes = try #require(codec.encode(empty))
            let header = try KindRegistry.typeMembers(bytes)
            #expect(header.kind == codec.resourceKind.kind)
            #expect(header.apiVersion == codec.resourceKind.apiVersion)
            #expect(try registry.decode(bytes).encodeJSON() == bytes)
        }
    }

    @Test("hasSameSpec ignores metadata and status; copyStatus takes only the status")
    func specAndStatus() throws {
        var a = try Pod(json: try Fixtures.bytes("served/pod-running.json"))
        var b = a
        b.metadata.labels["x"] = "y"
        b.status.phase = "Failed"
        #expect(a.hasSameSpec(as: b))
        b.spec.containers[0].image = "other"
        #expect(!a.hasSameSpec(as: b))
        a.copyStatus(from: b)
        #expect(a.status.phase == "Failed")
        #expect(a.spec.containers[0].image == "nginx:1.27.2")
    }

    @Test("timestamps: Time whole seconds, MicroTime six digits, offsets normalized to UTC")
    func timestamps() throws {
        let lease = try Lease(json: Array(#"{"spec":{"renewTime":"2026-11-23T17:49:20.5+01:00"}}"#.utf8))
        #expect(lease.spec.renewTime == Timestamp(rfc3339: "2026-11-23T16:49:20.500Z"))
        #expect(lease.spec.renewTime?.microseconds == 500_000)
        #expect(String(decoding: lease.encodeJSON(), as: UTF8.self).contains(#""renewTime":"2026-11-23T16:49:20.500000Z""#))
        let pod = try Pod(json: Array(#"{"metadata":{"creationTimestamp":"2026-11-23T16:49:20.999Z"}}"#.utf8))
        #expect(String(decoding: pod.encodeJSON(), as: UTF8.self).contains(#""creationTimestamp":"2026-11-23T16:49:20Z""#))
        #expect(throws: ObjectCodecError.invalidValue(path: "metadata.creationTimestamp", reason: "\"yesterday\" is not an RFC 3339 time")) {
            try Pod(json: Array(#"{"metadata":{"creationTimestamp":"yesterday"}}"#.utf8))
        }
    }
}
