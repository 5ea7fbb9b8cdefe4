extension Pod: ValidatedObject {
    /// Metadata and the pod spec.
    public func validate() -> FieldErrors {
        metadata.validate(for: Self.resourceKind) + spec.validate(at: FieldPath("spec"))
    }

    /// A pod's spec is immutable except container images, activeDeadlineSeconds (set, or
    /// lowered), and additions to tolerations; Kubernetes' message lists what may change.
    public func validateUpdate(from old: Pod) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        let path = FieldPath("spec")
        var comparable = spec
        // Images may change (when the container lists line up).
        if comparable.containers.count == old.spec.containers.count {
            for i in comparable.containers.indices { comparable.containers[i].image = old.spec.containers[i].image }
        }
        if comparable.initContainers.count == old.spec.initContainers.count {
            for i in comparable.initContainers.indices { comparable.initContainers[i].image = old.spec.initContainers[i].image }
        }
        // activeDeadlineSeconds may be set, or lowered, never raised or removed.
        if let new = spec.activeDeadlineSeconds, old.spec.activeDeadlineSeconds.map({ new <= $0 }) ?? true {
            comparable.activeDeadlineSeconds = old.spec.activeDeadlineSeconds
        }
        // Tolerations may only be added.
        if old.spec.tolerations.allSatisfy({ spec.tolerations.contains($0) }) {
            comparable.tolerations = old.spec.tolerations
        }
        // A negative grace period may be raised to 1.
        if let oldGrace = old.spec.terminationGracePeriodSeconds, oldGrace < 0, spec.terminationGracePeriodSeconds == 1 {
            comparable.terminationGracePeriodSeconds = oldGrace
        }
        if comparable != old.spec {
            errors.append(FieldError(.forbidden, path, "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"))
        }
        return errors
    }
}
