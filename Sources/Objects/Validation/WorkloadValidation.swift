extension PodTemplateSpec {
    /// A workload's template: labels, the pod spec, and the selector matching the labels.
    func validate(at path: FieldPath, selector: LabelSelectorSpec?, selectorRequired: Bool,
                  restartPolicies: [String], owner: String, claimTemplates: Set<String> = []) -> FieldErrors {
        var errors: FieldErrors = []
        let selectorPath = path.parentSpec.child("selector")
        if let selector {
            Check.selector(selector, selectorPath, into: &errors)
            if selector.matchLabels.isEmpty, selector.matchExpressions.isEmpty {
                errors.append(FieldError(.invalid(value: "{}"), selectorPath, "empty selector is invalid for \(owner)"))
            } else if !Check.selector(selector, matches: metadata.labels) {
                errors.append(FieldError(.invalid(value: Check.goMap(metadata.labels)), path.child("metadata", "labels"),
                                         "`selector` does not match template `labels`"))
            }
        } else if selectorRequired {
            errors.append(FieldError(.required, selectorPath))
        }
        Check.labels(metadata.labels, path.child("metadata", "labels"), into: &errors)
        errors += spec.validate(at: path.child("spec"), restartPolicies: restartPolicies, claimTemplates: claimTemplates)
        return errors
    }
}

extension FieldPath {
    /// `spec.template` → `spec`; `spec.jobTemplate.spec.template` → `spec.jobTemplate.spec`.
    fileprivate var parentSpec: FieldPath {
        let text = description
        guard let dot = text.lastIndex(of: ".") else { return self }
        return FieldPath(String(text[..<dot]))
    }
}

/// The pod templates of apps/v1 workloads may only restart Always.
private let alwaysRestart = ["Always"]

extension Deployment: ValidatedObject {
    /// Metadata, replicas ≥ 0, selector required and matching the template, strategy.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        let path = FieldPath("spec")
        Check.nonNegative(spec.replicas, path.child("replicas"), into: &errors)
        errors += spec.template.validate(at: path.child("template"), selector: spec.selector, selectorRequired: true,
                                         restartPolicies: alwaysRestart, owner: Self.resourceKind.singular)
        Check.oneOf(spec.strategy.type, ["Recreate", "RollingUpdate"], path.child("strategy", "type"), required: false, into: &errors)
        if spec.strategy.type == "Recreate", spec.strategy.rollingUpdate != nil {
            errors.append(FieldError(.forbidden, path.child("strategy", "rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"))
        }
        if let rolling = spec.strategy.rollingUpdate {
            let p = path.child("strategy", "rollingUpdate")
            errors += Self.validateIntOrPercent(rolling.maxUnavailable, p.child("maxUnavailable"))
            errors += Self.validateIntOrPercent(rolling.maxSurge, p.child("maxSurge"))
            if Self.isZero(rolling.maxUnavailable), Self.isZero(rolling.maxSurge) {
                errors.append(FieldError(.invalid(value: rolling.maxUnavailable?.description ?? "0"), p.child("maxUnavailable"),
                                         "may not be 0 when `maxSurge` is 0"))
            }
        }
        Check.nonNegative(spec.minReadySeconds, path.child("minReadySeconds"), into: &errors)
        Check.nonNegative(spec.revisionHistoryLimit, path.child("revisionHistoryLimit"), into: &errors)
        if let deadline = spec.progressDeadlineSeconds, deadline <= spec.minReadySeconds {
            errors.append(FieldError(.invalid(value: String(deadline)), path.child("progressDeadlineSeconds"),
                                     "must be greater than minReadySeconds"))
        }
        return errors
    }

    /// ``validate()`` plus metadata immutables and an immutable selector.
    public func validateUpdate(from old: Deployment) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        Check.immutable(spec.selector, old.spec.selector, FieldPath("spec").child("selector"),
                        shown: Check.goMap(spec.selector?.matchLabels ?? [:]), into: &errors)
        return errors
    }

    static func isZero(_ value: IntOrString?) -> Bool {
        switch value {
        case .int(0), .string("0%"), .string("0"), nil: return true
        default: return false
        }
    }

    /// An int ≥ 0 or a percentage like `25%`.
    static func validateIntOrPercent(_ value: IntOrString?, _ path: FieldPath) -> FieldErrors {
        switch value {
        case .int(let n) where n < 0:
            return [FieldError(.invalid(value: String(n)), path, "must be greater than or equal to 0")]
        case .string(let s):
            let digits = s.dropLast()
            if s.last != "%" || digits.isEmpty || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                return [FieldError(.invalid(value: s), path, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
            }
            return []
        default:
            return []
        }
    }
}

extension ReplicaSet: ValidatedObject {
    /// Metadata, replicas ≥ 0, selector required and matching the template.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        let path = FieldPath("spec")
        Check.nonNegative(spec.replicas, path.child("replicas"), into: &errors)
        Check.nonNegative(spec.minReadySeconds, path.child("minReadySeconds"), into: &errors)
        errors += spec.template.validate(at: path.child("template"), selector: spec.selector, selectorRequired: true,
                                         restartPolicies: alwaysRestart, owner: Self.resourceKind.singular)
        return errors
    }

    /// ``validate()`` plus metadata immutables and an immutable selector.
    public func validateUpdate(from old: ReplicaSet) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        Check.immutable(spec.selector, old.spec.selector, FieldPath("spec").child("selector"),
                        shown: Check.goMap(spec.selector?.matchLabels ?? [:]), into: &errors)
        return errors
    }
}

extension StatefulSet: ValidatedObject {
    /// Metadata, replicas ≥ 0, selector, template, pod management and update strategy.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        let path = FieldPath("spec")
        Check.nonNegative(spec.replicas, path.child("replicas"), into: &errors)
        Check.oneOf(spec.podManagementPolicy, ["OrderedReady", "Parallel"], path.child("podManagementPolicy"), required: false, into: &errors)
        Check.oneOf(spec.updateStrategy.type, ["RollingUpdate", "OnDelete"], path.child("updateStrategy", "type"), required: false, into: &errors)
        Check.nonNegative(spec.updateStrategy.rollingUpdate?.partition, path.child("updateStrategy", "rollingUpdate", "partition"), into: &errors)
        errors += spec.template.validate(at: path.child("template"), selector: spec.selector, selectorRequired: true,
                                         restartPolicies: alwaysRestart, owner: Self.resourceKind.singular,
                                         claimTemplates: claimTemplateNames)
        return errors
    }

    /// The names of the volumes `spec.volumeClaimTemplates` (kept as an unknown member) provides.
    var claimTemplateNames: Set<String> {
        guard case .array(let templates)? = spec.unknownFields["volumeClaimTemplates"] else { return [] }
        var names: Set<String> = []
        for template in templates {
            if case .string(let name)? = template["metadata"]?["name"] { names.insert(name) }
        }
        return names
    }

    /// Only replicas, template, updateStrategy, minReadySeconds (and unmodelled members such as
    /// persistentVolumeClaimRetentionPolicy and ordinals) may change.
    public func validateUpdate(from old: StatefulSet) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        var comparable = spec
        comparable.replicas = old.spec.replicas
        comparable.template = old.spec.template
        comparable.updateStrategy = old.spec.updateStrategy
        comparable.minReadySeconds = old.spec.minReadySeconds
        comparable.unknownFields = old.spec.unknownFields
        if comparable != old.spec {
            errors.append(FieldError(.forbidden, FieldPath("spec"), "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
        }
        return errors
    }
}

extension DaemonSet: ValidatedObject {
    /// Metadata, selector, template, update strategy.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        let path = FieldPath("spec")
        Check.oneOf(spec.updateStrategy.type, ["RollingUpdate", "OnDelete"], path.child("updateStrategy", "type"), required: false, into: &errors)
        Check.nonNegative(spec.minReadySeconds, path.child("minReadySeconds"), into: &errors)
        errors += spec.template.validate(at: path.child("template"), selector: spec.selector, selectorRequired: true,
                                         restartPolicies: alwaysRestart, owner: Self.resourceKind.singular)
        return errors
    }

    /// ``validate()`` plus metadata immutables and an immutable selector.
    public func validateUpdate(from old: DaemonSet) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        Check.immutable(spec.selector, old.spec.selector, FieldPath("spec").child("selector"),
                        shown: Check.goMap(spec.selector?.matchLabels ?? [:]), into: &errors)
        return errors
    }
}

extension JobSpec {
    /// Counts ≥ 0, deadline > 0, completion mode, a template that restarts OnFailure or Never.
    func validate(at path: FieldPath) -> FieldErrors {
        var errors: FieldErrors = []
        Check.nonNegative(parallelism, path.child("parallelism"), into: &errors)
        Check.nonNegative(completions, path.child("completions"), into: &errors)
        Check.nonNegative(backoffLimit, path.child("backoffLimit"), into: &errors)
        Check.positive(activeDeadlineSeconds, path.child("activeDeadlineSeconds"), into: &errors)
        Check.nonNegative(ttlSecondsAfterFinished, path.child("ttlSecondsAfterFinished"), into: &errors)
        if let completionMode {
            Check.oneOf(completionMode, ["NonIndexed", "Indexed"], path.child("completionMode"), into: &errors)
            if completionMode == "Indexed", completions == nil {
                errors.append(FieldError(.required, path.child("completions"), "when completion mode is Indexed"))
            }
        }
        errors += template.validate(at: path.child("template"), selector: selector, selectorRequired: false,
                                    restartPolicies: ["OnFailure", "Never"], owner: "job")
        return errors
    }
}

extension Job: ValidatedObject {
    /// Metadata and the job spec.
    public func validate() -> FieldErrors {
        metadata.validate(for: Self.resourceKind) + spec.validate(at: FieldPath("spec"))
    }

    /// The template, selector, completions and completion mode are immutable.
    public func validateUpdate(from old: Job) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        let path = FieldPath("spec")
        if spec.template != old.spec.template {
            errors.append(FieldError(.invalid(value: "core.PodTemplateSpec{...}"), path.child("template"), "field is immutable"))
        }
        Check.immutable(spec.selector, old.spec.selector, path.child("selector"), shown: Check.goMap(spec.selector?.matchLabels ?? [:]), into: &errors)
        Check.immutable(spec.completions, old.spec.completions, path.child("completions"), shown: spec.completions.map { String($0) } ?? "null", into: &errors)
        Check.immutable(spec.completionMode, old.spec.completionMode, path.child("completionMode"), shown: spec.completionMode ?? "", into: &errors)
        return errors
    }
}

extension CronJob: ValidatedObject {
    /// Metadata (name at most 52 characters), schedule, policies, history limits, job template.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        if metadata.name.utf8.count > 52 {
            errors.append(FieldError(.invalid(value: metadata.name), FieldPath("metadata").child("name"), "must be no more than 52 characters"))
        }
        let path = FieldPath("spec")
        if spec.schedule.isEmpty {
            errors.append(FieldError(.required, path.child("schedule")))
        } else if !Self.isCronShaped(spec.schedule) {
            errors.append(FieldError(.invalid(value: spec.schedule), path.child("schedule"), "unparseable schedule: expected exactly 5 fields or a descriptor such as @hourly"))
        }
        Check.oneOf(spec.concurrencyPolicy, ["Allow", "Forbid", "Replace"], path.child("concurrencyPolicy"), into: &errors)
        Check.nonNegative(spec.startingDeadlineSeconds, path.child("startingDeadlineSeconds"), into: &errors)
        Check.nonNegative(spec.successfulJobsHistoryLimit, path.child("successfulJobsHistoryLimit"), into: &errors)
        Check.nonNegative(spec.failedJobsHistoryLimit, path.child("failedJobsHistoryLimit"), into: &errors)
        errors += spec.jobTemplate.spec.validate(at: path.child("jobTemplate", "spec"))
        return errors
    }

    /// ``validate()`` plus metadata immutables.
    public func validateUpdate(from old: CronJob) -> FieldErrors {
        metadata.validateUpdate(from: old.metadata) + validate()
    }

    /// Five space-separated fields of cron characters, or an `@` descriptor (full cron parsing is
    /// the CronJob controller's).
    static func isCronShaped(_ schedule: String) -> Bool {
        let descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]
        if schedule.hasPrefix("@") { return descriptors.contains(schedule) || schedule.hasPrefix("@every ") }
        let fields = schedule.split(separator: " ", omittingEmptySubsequences: true)
        let allowed = Set("0123456789*/,-?LW#ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return fields.count == 5 && fields.allSatisfy { $0.allSatisfy { allowed.contains($0) } }
    }
}
