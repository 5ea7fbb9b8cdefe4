import JSON

/// The built-in patch metadata for the kinds Tern serves, transcribed from the `patchStrategy` /
/// `patchMergeKey` struct tags of `k8s.io/api` (core/v1, apps/v1, batch/v1) and apimachinery's
/// `ObjectMeta`. Sources are listed in docs/architecture-patch.md.
extension StrategicMergeSchema {
    /// The schema for a kind (e.g. `Pod`, `Deployment`); an unknown kind gets metadata rules
    /// only, so the rest merges with JSON merge patch semantics (lists replaced), as Kubernetes does
    /// for custom resources.
    public static func forKind(_ kind: String) -> StrategicMergeSchema {
        builtIn[kind] ?? objectOnly
    }

    /// The kinds with built-in patch metadata, sorted.
    public static var builtInKinds: [String] { builtIn.keys.sorted() }

    /// ObjectMeta: `finalizers` (merge, primitives), `ownerReferences` (merge by `uid`).
    static let objectMeta: StrategicMergeSchema = {
        var s = StrategicMergeSchema()
        s.set("finalizers", .mergePrimitives)
        s.set("ownerReferences", .mergeByKey("uid"))
        return s
    }()

    /// Container (and EphemeralContainerCommon): ports by containerPort, env by name,
    /// volumeMounts by mountPath, volumeDevices by devicePath. `envFrom`, `resizePolicy` atomic.
    static let container: StrategicMergeSchema = {
        var s = StrategicMergeSchema()
        s.set("ports", .mergeByKey("containerPort"))
        s.set("env", .mergeByKey("name"))
        s.set("volumeMounts", .mergeByKey("mountPath"))
        s.set("volumeDevices", .mergeByKey("devicePath"))
        return s
    }()

    /// PodSpec. `tolerations` has no patch strategy in Kubernetes (replaced whole); `volumes` and
    /// `resourceClaims` are `merge,retainKeys` by name.
    static let podSpec: StrategicMergeSchema = {
        var s = StrategicMergeSchema()
        for name in ["containers", "initContainers", "ephemeralContainers"] {
            s.set(name, .mergeByKey("name"))
            s.graft(container, at: name)
        }
        s.set("volumes", .mergeByKey("name"), retainKeys: true)
        s.set("imagePullSecrets", .mergeByKey("name"))
        s.set("hostAliases", .mergeByKey("ip"))
        s.set("topologySpreadConstraints", .mergeByKey("topologyKey"))
        s.set("schedulingGates", .mergeByKey("name"))
        s.set("resourceClaims", .mergeByKey("name"), retainKeys: true)
        return s
    }()

    /// A `{metadata, spec}` pod template.
    static let podTemplate: StrategicMergeSchema = {
        var s = StrategicMergeSchema()
        s.graft(objectMeta, at: "metadata")
        s.graft(podSpec, at: "spec")
        return s
    }()

    /// A schema with only ObjectMeta's rules.
    static let objectOnly: StrategicMergeSchema = {
        var s = StrategicMergeSchema()
        s.graft(objectMeta, at: "metadata")
        return s
    }()

    /// `status.conditions` merged by `type`.
    private static func withConditions(_ base: StrategicMergeSchema) -> StrategicMergeSchema {
        var s = base
        s.set("status.conditions", .mergeByKey("type"))
        return s
    }

    private static func workload(templateAt path: String) -> StrategicMergeSchema {
        var s = withConditions(objectOnly)
        s.graft(podTemplate, at: path)
        return s
    }

    static let builtIn: [String: StrategicMergeSchema] = {
        var kinds: [String: StrategicMergeSchema] = [:]

        var pod = withConditions(objectOnly)
        pod.graft(podSpec, at: "spec")
        pod.set("status.podIPs", .mergeByKey("ip"))
        pod.set("status.hostIPs", .mergeByKey("ip"))
        kinds["Pod"] = pod

        var podTemplateKind = objectOnly
        podTemplateKind.graft(podTemplate, at: "template")
        kinds["PodTemplate"] = podTemplateKind

        var deployment = workload(templateAt: "spec.template")
        deployment.setRetainKeys("spec.strategy")
        kinds["Deployment"] = deployment
        kinds["ReplicaSet"] = workload(templateAt: "spec.template")
        kinds["StatefulSet"] = workload(templateAt: "spec.template")
        kinds["DaemonSet"] = workload(templateAt: "spec.template")
        kinds["Job"] = workload(templateAt: "spec.template")
        kinds["ReplicationController"] = workload(templateAt: "spec.template")

        var cronJob = objectOnly
        cronJob.graft(podTemplate, at: "spec.jobTemplate.spec.template")
        kinds["CronJob"] = cronJob

        // NodeSpec.taints is `+listType=atomic` with no patch strategy: replaced whole.
        var node = withConditions(objectOnly)
        node.set("status.addresses", .mergeByKey("type"))
        kinds["Node"] = node

        var service = withConditions(objectOnly)
        service.set("spec.ports", .mergeByKey("port"))
        kinds["Service"] = service

        // Endpoints.subsets and everything in ConfigMap/Secret/Event/Lease carry no patch strategy.
        kinds["Namespace"] = withConditions(objectOnly)
        for plain in ["Endpoints", "ConfigMap", "Secret", "Event", "Lease", "ServiceAccount"] {
            kinds[plain] = objectOnly
        }
        return kinds
    }()
}
