extension PodSpec {
    /// Kubernetes' `ValidatePodSpec` for the fields Tern models: containers (at least one, names
    /// unique DNS labels, image required, ports, env, mounts naming volumes, probes), volumes,
    /// restart and DNS policies, grace periods, tolerations.
    /// - Parameter restartPolicies: the policies this spec's owner accepts (workloads: Always).
    /// - Parameter claimTemplates: volume names a StatefulSet's volumeClaimTemplates provide.
    func validate(at path: FieldPath, restartPolicies: [String] = ["Always", "OnFailure", "Never"],
                  claimTemplates: Set<String> = []) -> FieldErrors {
        var errors: FieldErrors = []
        var volumeNames: Set<String> = []
        for (i, volume) in volumes.enumerated() {
            let p = path.child("volumes").index(i)
            Check.dnsLabel(volume.name, p.child("name"), into: &errors)
            if !volume.name.isEmpty, !volumeNames.insert(volume.name).inserted {
                errors.append(FieldError(.duplicate(value: volume.name), p.child("name")))
            }
            if let hostPath = volume.hostPath, hostPath.path.isEmpty {
                errors.append(FieldError(.required, p.child("hostPath", "path")))
            }
            if let claim = volume.persistentVolumeClaim, claim.claimName.isEmpty {
                errors.append(FieldError(.required, p.child("persistentVolumeClaim", "claimName")))
            }
        }
        if containers.isEmpty {
            errors.append(FieldError(.required, path.child("containers")))
        }
        var containerNames: Set<String> = []
        for (field, list) in [("initContainers", initContainers), ("containers", containers)] {
            for (i, container) in list.enumerated() {
                let p = path.child(field).index(i)
                errors += container.validate(at: p, volumes: volumeNames.union(claimTemplates))
                if !container.name.isEmpty, !containerNames.insert(container.name).inserted {
                    errors.append(FieldError(.duplicate(value: container.name), p.child("name")))
                }
            }
        }
        Check.oneOf(restartPolicy, restartPolicies, path.child("restartPolicy"), into: &errors)
        Check.oneOf(dnsPolicy, ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"], path.child("dnsPolicy"), into: &errors)
        Check.nonNegative(terminationGracePeriodSeconds, path.child("terminationGracePeriodSeconds"), into: &errors)
        Check.positive(activeDeadlineSeconds, path.child("activeDeadlineSeconds"), into: &errors)
        Check.labels(nodeSelector, path.child("nodeSelector"), into: &errors)
        if !serviceAccountName.isEmpty {
            let problems = NameValidation.dns1123Subdomain(serviceAccountName)
            if !problems.isEmpty {
                errors.append(FieldError(.invalid(value: serviceAccountName), path.child("serviceAccountName"), problems.joined(separator: "; ")))
            }
        }
        for (i, toleration) in tolerations.enumerated() {
            errors += toleration.validate(at: path.child("tolerations").index(i))
        }
        for (i, constraint) in topologySpreadConstraints.enumerated() {
            let p = path.child("topologySpreadConstraints").index(i)
            Check.positive(constraint.maxSkew, p.child("maxSkew"), into: &errors)
            if constraint.topologyKey.isEmpty { errors.append(FieldError(.required, p.child("topologyKey"))) }
            Check.oneOf(constraint.whenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"], p.child("whenUnsatisfiable"), into: &errors)
        }
        if let affinity { errors += affinity.validate(at: path.child("affinity")) }
        return errors
    }
}

extension FieldPath {
    /// `a` → `a.b.c`: several member steps at once.
    func child(_ first: String, _ rest: String...) -> FieldPath {
        rest.reduce(child(first)) { $0.child($1) }
    }
}

extension Container {
    /// One container's checks; `volumes` are the pod's volume names (mounts must name one).
    func validate(at path: FieldPath, volumes: Set<String>) -> FieldErrors {
        var errors: FieldErrors = []
        Check.dnsLabel(name, path.child("name"), into: &errors)
        if image.trimmingSpaces.isEmpty { errors.append(FieldError(.required, path.child("image"))) }
        var portNames: Set<String> = []
        for (i, port) in ports.enumerated() {
            let p = path.child("ports").index(i)
            Check.port(port.containerPort, p.child("containerPort"), into: &errors)
            if port.hostPort != 0 { Check.port(port.hostPort, p.child("hostPort"), into: &errors) }
            Check.oneOf(port.protocol, Check.supportedProtocols, p.child("protocol"), into: &errors)
            if !port.name.isEmpty {
                if port.name.utf8.count > 15 {
                    errors.append(FieldError(.invalid(value: port.name), p.child("name"), "must be no more than 15 characters"))
                }
                if !portNames.insert(port.name).inserted {
                    errors.append(FieldError(.duplicate(value: port.name), p.child("name")))
                }
            }
        }
        for (i, variable) in env.enumerated() {
            let p = path.child("env").index(i)
            if variable.name.isEmpty { errors.append(FieldError(.required, p.child("name"))) }
            if let source = variable.valueFrom {
                let set = [source.fieldRef != nil, source.resourceFieldRef != nil, source.configMapKeyRef != nil,
                           source.secretKeyRef != nil].filter { $0 }.count
                if !variable.value.isEmpty, set > 0 {
                    errors.append(FieldError(.invalid(value: ""), p.child("valueFrom"), "may not be specified when `value` is not empty"))
                }
                if set > 1 {
                    errors.append(FieldError(.invalid(value: ""), p.child("valueFrom"), "may not have more than one field specified at a time"))
                }
            }
        }
        for (i, mount) in volumeMounts.enumerated() {
            let p = path.child("volumeMounts").index(i)
            if mount.name.isEmpty {
                errors.append(FieldError(.required, p.child("name")))
            } else if !volumes.contains(mount.name) {
                errors.append(FieldError(.notFound(value: mount.name), p.child("name")))
            }
            if mount.mountPath.isEmpty { errors.append(FieldError(.required, p.child("mountPath"))) }
        }
        Check.oneOf(imagePullPolicy, ["Always", "IfNotPresent", "Never"], path.child("imagePullPolicy"), required: false, into: &errors)
        for (field, probe) in [("livenessProbe", livenessProbe), ("readinessProbe", readinessProbe), ("startupProbe", startupProbe)] {
            if let probe { errors += probe.validate(at: path.child(field)) }
        }
        return errors
    }
}

extension String {
    /// The text without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        let trimmed = drop { $0 == " " }
        return trimmed.dropLast(trimmed.reversed().prefix { $0 == " " }.count)
    }
}

extension Probe {
    /// Exactly one handler, non-negative timings.
    func validate(at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        let handlers = [exec != nil, httpGet != nil, tcpSocket != nil, unknownFields["grpc"] != nil].filter { $0 }.count
        if handlers == 0 {
            errors.append(FieldError(.required, path, "must specify a handler type"))
        } else if handlers > 1 {
            errors.append(FieldError(.forbidden, path, "may not specify more than 1 handler type"))
        }
        if let httpGet { errors += Self.validate(port: httpGet.port, at: path.child("httpGet", "port")) }
        if let tcpSocket { errors += Self.validate(port: tcpSocket.port, at: path.child("tcpSocket", "port")) }
        for (field, value) in [("initialDelaySeconds", initialDelaySeconds), ("timeoutSeconds", timeoutSeconds),
                               ("periodSeconds", periodSeconds), ("successThreshold", successThreshold),
                               ("failureThreshold", failureThreshold)] {
            Check.nonNegative(value, path.child(field), into: &errors)
        }
        return errors
    }

    /// A probe port: a number in range or a named port (an IANA service name, at most 15 characters).
    static func validate(port: IntOrString, at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        switch port {
        case .int(let n): Check.port(n, path, into: &errors)
        case .string(let s):
            if s.isEmpty || s.utf8.count > 15 || !NameValidation.dns1123Label(s).isEmpty {
                errors.append(FieldError(.invalid(value: s), path, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"))
            }
        }
        return errors
    }
}

extension Toleration {
    /// Operator Exists or Equal (Exists takes no value), effect one of the taint effects.
    func validate(at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        if !key.isEmpty {
            let problems = NameValidation.qualifiedName(key)
            if !problems.isEmpty { errors.append(FieldError(.invalid(value: key), path.child("key"), problems.joined(separator: "; "))) }
        }
        switch `operator` {
        case "", "Equal":
            if key.isEmpty { errors.append(FieldError(.invalid(value: `operator`), path.child("operator"), "operator must be Exists when `key` is empty, which means \"match all values and all keys\"")) }
        case "Exists":
            if !value.isEmpty { errors.append(FieldError(.invalid(value: value), path.child("value"), "value must be empty when `operator` is 'Exists'")) }
        default:
            errors.append(FieldError(.notSupported(value: `operator`, supported: ["Equal", "Exists"]), path.child("operator")))
        }
        Check.oneOf(effect, ["NoExecute", "NoSchedule", "PreferNoSchedule"], path.child("effect"), required: false, into: &errors)
        if tolerationSeconds != nil, effect != "NoExecute" {
            errors.append(FieldError(.invalid(value: effect), path.child("effect"), "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        }
        return errors
    }
}

extension Affinity {
    /// Node selector operators and pod affinity terms' topology keys and selectors.
    func validate(at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        if let required = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution {
            let p = path.child("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
            if required.nodeSelectorTerms.isEmpty {
                errors.append(FieldError(.required, p.child("nodeSelectorTerms"), "must have at least one node selector term"))
            }
            for (i, term) in required.nodeSelectorTerms.enumerated() {
                errors += term.validate(at: p.child("nodeSelectorTerms").index(i))
            }
        }
        for (i, preferred) in (nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).enumerated() {
            let p = path.child("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution").index(i)
            if !(1...100).contains(preferred.weight) {
                errors.append(FieldError(.invalid(value: String(preferred.weight)), p.child("weight"), "must be in the range 1-100"))
            }
            errors += preferred.preference.validate(at: p.child("preference"))
        }
        for (field, required, preferred) in [
            ("podAffinity", podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [], podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
            ("podAntiAffinity", podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [], podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
        ] {
            for (i, term) in required.enumerated() {
                errors += term.validate(at: path.child(field, "requiredDuringSchedulingIgnoredDuringExecution").index(i))
            }
            for (i, weighted) in preferred.enumerated() {
                let p = path.child(field, "preferredDuringSchedulingIgnoredDuringExecution").index(i)
                if !(1...100).contains(weighted.weight) {
                    errors.append(FieldError(.invalid(value: String(weighted.weight)), p.child("weight"), "must be in the range 1-100"))
                }
                errors += weighted.podAffinityTerm.validate(at: p.child("podAffinityTerm"))
            }
        }
        return errors
    }
}

extension NodeSelectorTerm {
    /// Each requirement's operator and value count.
    func validate(at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        for (field, list) in [("matchExpressions", matchExpressions), ("matchFields", matchFields)] {
            for (i, requirement) in list.enumerated() {
                let p = path.child(field).index(i)
                switch requirement.operator {
                case "In", "NotIn":
                    if requirement.values.isEmpty { errors.append(FieldError(.required, p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")) }
                case "Exists", "DoesNotExist":
                    if !requirement.values.isEmpty { errors.append(FieldError(.forbidden, p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
                case "Gt", "Lt":
                    if requirement.values.count != 1 { errors.append(FieldError(.required, p.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'")) }
                default:
                    errors.append(FieldError(.invalid(value: requirement.operator), p.child("operator"), "not a valid selector operator"))
                }
            }
        }
        return errors
    }
}

extension PodAffinityTerm {
    /// A topology key is required; the selector must be well-formed.
    func validate(at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        if topologyKey.isEmpty {
            errors.append(FieldError(.required, path.child("topologyKey"), "can not be empty"))
        }
        if let labelSelector { Check.selector(labelSelector, path.child("labelSelector"), into: &errors) }
        return errors
    }
}
