extension Namespace: ValidatedObject {
    /// Metadata with a DNS-label name.
    public func validate() -> FieldErrors {
        metadata.validate(for: Self.resourceKind, names: .label)
    }

    /// ``validate()`` plus metadata immutables.
    public func validateUpdate(from old: Namespace) -> FieldErrors {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}

extension Node: ValidatedObject {
    /// Metadata and taints (key syntax, effect, no duplicate key+effect).
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        var seen: Set<String> = []
        for (i, taint) in spec.taints.enumerated() {
            let p = FieldPath("spec").child("taints").index(i)
            if taint.key.isEmpty {
                errors.append(FieldError(.required, p.child("key")))
            } else {
                let problems = NameValidation.qualifiedName(taint.key)
                if !problems.isEmpty { errors.append(FieldError(.invalid(value: taint.key), p.child("key"), problems.joined(separator: "; "))) }
            }
            Check.oneOf(taint.effect, ["NoExecute", "NoSchedule", "PreferNoSchedule"], p.child("effect"), into: &errors)
            if !seen.insert(taint.key + "\u{0}" + taint.effect).inserted {
                errors.append(FieldError(.duplicate(value: taint.key), p, "taints must be unique by key and effect pair"))
            }
        }
        return errors
    }

    /// ``validate()`` plus metadata immutables; a set podCIDR may not change.
    public func validateUpdate(from old: Node) -> FieldErrors {
        var errors = metadata.validateUpdate(from: old.metadata) + validate()
        if !old.spec.podCIDR.isEmpty {
            Check.immutable(spec.podCIDR, old.spec.podCIDR, FieldPath("spec").child("podCIDR"), shown: spec.podCIDR, into: &errors)
        }
        return errors
    }
}

extension Endpoints: ValidatedObject {
    /// Metadata, addresses with an IP, ports in range with a protocol.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        for (s, subset) in subsets.enumerated() {
            let p = FieldPath("subsets").index(s)
            for (field, list) in [("addresses", subset.addresses), ("notReadyAddresses", subset.notReadyAddresses)] {
                for (i, address) in list.enumerated() where address.ip.isEmpty {
                    errors.append(FieldError(.required, p.child(field).index(i).child("ip")))
                }
            }
            for (i, port) in subset.ports.enumerated() {
                Check.port(port.port, p.child("ports").index(i).child("port"), into: &errors)
                Check.oneOf(port.protocol, Check.supportedProtocols, p.child("ports").index(i).child("protocol"), into: &errors)
            }
        }
        return errors
    }

    /// ``validate()`` plus metadata immutables.
    public func validateUpdate(from old: Endpoints) -> FieldErrors {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}

extension Event: ValidatedObject {
    /// Metadata; the involved object's namespace must be the event's (when both are set).
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        if !involvedObject.namespace.isEmpty, involvedObject.namespace != metadata.namespace {
            errors.append(FieldError(.invalid(value: involvedObject.namespace), FieldPath("involvedObject").child("namespace"), "does not match event.namespace"))
        }
        Check.oneOf(type, ["Normal", "Warning"], FieldPath("type"), required: false, into: &errors)
        return errors
    }

    /// ``validate()`` plus metadata immutables.
    public func validateUpdate(from old: Event) -> FieldErrors {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}

extension Lease: ValidatedObject {
    /// Metadata; durations and transitions positive / non-negative.
    public func validate() -> FieldErrors {
        var errors = metadata.validate(for: Self.resourceKind)
        Check.positive(spec.leaseDurationSeconds, FieldPath("spec").child("leaseDurationSeconds"), into: &errors)
        Check.nonNegative(spec.leaseTransitions, FieldPath("spec").child("leaseTransitions"), into: &errors)
        return errors
    }

    /// ``validate()`` plus metadata immutables.
    public func validateUpdate(from old: Lease) -> FieldErrors {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}

extension ServiceAccount: ValidatedObject {
    /// Metadata.
    public func validate() -> FieldErrors {
        metadata.validate(for: Self.resourceKind)
    }

    /// ``validate()`` plus metadata immutables.
    public func validateUpdate(from old: ServiceAccount) -> FieldErrors {
        metadata.validateUpdate(from: old.metadata) + validate()
    }
}
