/// Kubernetes' defaulting of the fields Tern acts on, applied to an object before it is
/// validated and stored (`SetDefaults_*` in Kubernetes). Defaulting never overwrites a value the
/// client set, and applying it twice changes nothing more.
public enum Defaulting {
    /// The image pull policy Kubernetes picks when none is given: `Always` for `:latest` or an
    /// untagged image without a digest, `IfNotPresent` otherwise.
    public static func imagePullPolicy(forImage image: String) -> String {
        var name = Substring(image)
        var hasDigest = false
        if let at = name.firstIndex(of: "@") {
            name = name[..<at]
            hasDigest = true
        }
        // The tag follows the last ':' of the last path component (a registry's port is before a '/').
        let lastComponent = name.split(separator: "/", omittingEmptySubsequences: false).last ?? name
        let tag = lastComponent.firstIndex(of: ":").map { lastComponent[lastComponent.index(after: $0)...] }
        if let tag { return tag == "latest" ? "Always" : "IfNotPresent" }
        return hasDigest ? "IfNotPresent" : "Always"
    }

    /// Defaults a pod spec (also used for every workload's pod template).
    public static func apply(to spec: inout PodSpec) {
        if spec.restartPolicy.isEmpty { spec.restartPolicy = "Always" }
        if spec.dnsPolicy.isEmpty { spec.dnsPolicy = "ClusterFirst" }
        if spec.terminationGracePeriodSeconds == nil { spec.terminationGracePeriodSeconds = 30 }
        if spec.schedulerName.isEmpty { spec.schedulerName = "default-scheduler" }
        for i in spec.containers.indices { apply(to: &spec.containers[i]) }
        for i in spec.initContainers.indices { apply(to: &spec.initContainers[i]) }
        for i in spec.volumes.indices {
            if spec.volumes[i].configMap != nil, spec.volumes[i].configMap?.defaultMode == nil {
                spec.volumes[i].configMap?.defaultMode = 0o644
            }
            if spec.volumes[i].secret != nil, spec.volumes[i].secret?.defaultMode == nil {
                spec.volumes[i].secret?.defaultMode = 0o644
            }
        }
    }

    /// Defaults one container: pull policy, termination message, port protocols, probe timings.
    public static func apply(to container: inout Container) {
        if container.imagePullPolicy.isEmpty, !container.image.isEmpty {
            container.imagePullPolicy = imagePullPolicy(forImage: container.image)
        }
        if container.terminationMessagePath.isEmpty { container.terminationMessagePath = "/dev/termination-log" }
        if container.terminationMessagePolicy.isEmpty { container.terminationMessagePolicy = "File" }
        for i in container.ports.indices where container.ports[i].protocol.isEmpty {
            container.ports[i].protocol = "TCP"
        }
        if container.livenessProbe != nil { apply(to: &container.livenessProbe!) }
        if container.readinessProbe != nil { apply(to: &container.readinessProbe!) }
        if container.startupProbe != nil { apply(to: &container.startupProbe!) }
    }

    /// Defaults a probe's timings (1s timeout, 10s period, thresholds 1 and 3) and HTTP scheme/path.
    public static func apply(to probe: inout Probe) {
        if probe.timeoutSeconds == 0 { probe.timeoutSeconds = 1 }
        if probe.periodSeconds == 0 { probe.periodSeconds = 10 }
        if probe.successThreshold == 0 { probe.successThreshold = 1 }
        if probe.failureThreshold == 0 { probe.failureThreshold = 3 }
        if probe.httpGet != nil {
            if probe.httpGet!.scheme.isEmpty { probe.httpGet!.scheme = "HTTP" }
            if probe.httpGet!.path.isEmpty { probe.httpGet!.path = "/" }
        }
    }

    /// Defaults a Job spec: parallelism and completions 1 when both are unset, backoffLimit 6,
    /// completionMode NonIndexed, suspend false, and the pod template.
    public static func apply(to spec: inout JobSpec) {
        if spec.completions == nil, spec.parallelism == nil {
            spec.completions = 1
            spec.parallelism = 1
        }
        if spec.parallelism == nil { spec.parallelism = 1 }
        if spec.backoffLimit == nil { spec.backoffLimit = 6 }
        if spec.completionMode == nil { spec.completionMode = "NonIndexed" }
        if spec.suspend == nil { spec.suspend = false }
        apply(to: &spec.template.spec)
    }

    /// Applies the defaults of whatever kind `object` is (kinds without defaults are returned
    /// unchanged).
    public static func applyAny(_ object: any APIObject) -> any APIObject {
        func open<T: APIObject>(_ value: T) -> any APIObject {
            guard var defaultable = value as? any DefaultedObject else { return value }
            defaultable.applyDefaults()
            return defaultable
        }
        return open(object)
    }
}

/// A kind with Kubernetes defaults.
public protocol DefaultedObject: APIObject {
    /// Fills unset fields with Kubernetes' defaults.
    mutating func applyDefaults()
}

extension Pod: DefaultedObject {
    /// Defaults the pod spec (restartPolicy Always, dnsPolicy ClusterFirst, grace period 30,
    /// schedulerName, pull policies, port protocols, probes).
    public mutating func applyDefaults() {
        Defaulting.apply(to: &spec)
    }
}

extension Deployment: DefaultedObject {
    /// replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600.
    public mutating func applyDefaults() {
        if spec.replicas == nil { spec.replicas = 1 }
        if spec.strategy.type.isEmpty { spec.strategy.type = "RollingUpdate" }
        if spec.strategy.type == "RollingUpdate" {
            var rolling = spec.strategy.rollingUpdate ?? RollingUpdateDeployment()
            if rolling.maxUnavailable == nil { rolling.maxUnavailable = .string("25%") }
            if rolling.maxSurge == nil { rolling.maxSurge = .string("25%") }
            spec.strategy.rollingUpdate = rolling
        }
        if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
        if spec.progressDeadlineSeconds == nil { spec.progressDeadlineSeconds = 600 }
        Defaulting.apply(to: &spec.template.spec)
    }
}

extension ReplicaSet: DefaultedObject {
    /// replicas 1 and the pod template.
    public mutating func applyDefaults() {
        if spec.replicas == nil { spec.replicas = 1 }
        Defaulting.apply(to: &spec.template.spec)
    }
}

extension StatefulSet: DefaultedObject {
    /// replicas 1, OrderedReady, RollingUpdate with partition 0, revisionHistoryLimit 10.
    public mutating func applyDefaults() {
        if spec.replicas == nil { spec.replicas = 1 }
        if spec.podManagementPolicy.isEmpty { spec.podManagementPolicy = "OrderedReady" }
        if spec.updateStrategy.type.isEmpty { spec.updateStrategy.type = "RollingUpdate" }
        if spec.updateStrategy.type == "RollingUpdate" {
            var rolling = spec.updateStrategy.rollingUpdate ?? RollingUpdateStatefulSetStrategy()
            if rolling.partition == nil { rolling.partition = 0 }
            spec.updateStrategy.rollingUpdate = rolling
        }
        if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
        Defaulting.apply(to: &spec.template.spec)
    }
}

extension DaemonSet: DefaultedObject {
    /// RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10.
    public mutating func applyDefaults() {
        if spec.updateStrategy.type.isEmpty { spec.updateStrategy.type = "RollingUpdate" }
        if spec.updateStrategy.type == "RollingUpdate" {
            var rolling = spec.updateStrategy.rollingUpdate ?? RollingUpdateDaemonSet()
            if rolling.maxUnavailable == nil { rolling.maxUnavailable = .int(1) }
            if rolling.maxSurge == nil { rolling.maxSurge = .int(0) }
            spec.updateStrategy.rollingUpdate = rolling
        }
        if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
        Defaulting.apply(to: &spec.template.spec)
    }
}

extension Job: DefaultedObject {
    /// completions/parallelism 1, backoffLimit 6, NonIndexed, not suspended.
    public mutating func applyDefaults() {
        Defaulting.apply(to: &spec)
    }
}

extension CronJob: DefaultedObject {
    /// concurrencyPolicy Allow, not suspended, history limits 3 and 1, and the job template.
    public mutating func applyDefaults() {
        if spec.concurrencyPolicy.isEmpty { spec.concurrencyPolicy = "Allow" }
        if spec.suspend == nil { spec.suspend = false }
        if spec.successfulJobsHistoryLimit == nil { spec.successfulJobsHistoryLimit = 3 }
        if spec.failedJobsHistoryLimit == nil { spec.failedJobsHistoryLimit = 1 }
        Defaulting.apply(to: &spec.jobTemplate.spec)
    }
}

extension Service: DefaultedObject {
    /// type ClusterIP, sessionAffinity None, port protocol TCP, targetPort = port.
    public mutating func applyDefaults() {
        if spec.type.isEmpty { spec.type = "ClusterIP" }
        if spec.sessionAffinity.isEmpty { spec.sessionAffinity = "None" }
        for i in spec.ports.indices {
            if spec.ports[i].protocol.isEmpty { spec.ports[i].protocol = "TCP" }
            let target = spec.ports[i].targetPort
            if target == nil || target == .int(0) || target == .string("") {
                spec.ports[i].targetPort = .int(spec.ports[i].port)
            }
        }
    }
}

extension Secret: DefaultedObject {
    /// type Opaque.
    public mutating func applyDefaults() {
        if type.isEmpty { type = "Opaque" }
    }
}

extension Namespace: DefaultedObject {
    /// status.phase Active.
    public mutating func applyDefaults() {
        if status.phase.isEmpty { status.phase = "Active" }
    }
}

extension Endpoints: DefaultedObject {
    /// Port protocol TCP.
    public mutating func applyDefaults() {
        for s in subsets.indices {
            for p in subsets[s].ports.indices where subsets[s].ports[p].protocol.isEmpty {
                subsets[s].ports[p].protocol = "TCP"
            }
        }
    }
}
