/// How a kind's names are checked.
enum NameRule {
    /// Most kinds: an RFC 1123 subdomain.
    case subdomain
    /// Namespaces and Services: an RFC 1123 label.
    case label
}

extension ObjectMeta {
    /// Kubernetes' `ValidateObjectMeta`: name (or generateName) present and well-formed,
    /// namespace present for namespaced kinds, label and annotation syntax.
    func validate(for kind: ResourceKind, names: NameRule = .subdomain) -> FieldErrors {
        var errors: FieldErrors = []
        let path = FieldPath("metadata")
        if !generateName.isEmpty {
            // A prefix may end with '-' (the generated suffix follows), so mask a trailing dash.
            var masked = generateName
            if masked.hasSuffix("-") { masked = String(masked.dropLast()) + "a" }
            let problems = names == .label ? NameValidation.dns1123Label(masked) : NameValidation.dns1123Subdomain(masked)
            if !problems.isEmpty {
                errors.append(FieldError(.invalid(value: generateName), path.child("generateName"), problems.joined(separator: "; ")))
            }
        }
        if name.isEmpty {
            if generateName.isEmpty {
                errors.append(FieldError(.required, path.child("name"), "name or generateName is required"))
            }
        } else {
            let problems = names == .label ? NameValidation.dns1123Label(name) : NameValidation.dns1123Subdomain(name)
            if !problems.isEmpty {
                errors.append(FieldError(.invalid(value: name), path.child("name"), problems.joined(separator: "; ")))
            }
        }
        if kind.namespaced {
            if namespace.isEmpty {
                errors.append(FieldError(.required, path.child("namespace")))
            } else {
                let problems = NameValidation.dns1123Label(namespace)
                if !problems.isEmpty {
                    errors.append(FieldError(.invalid(value: namespace), path.child("namespace"), problems.joined(separator: "; ")))
                }
            }
        }
        Check.labels(labels, path.child("labels"), into: &errors)
        var annotationBytes = 0
        for key in annotations.keys.sorted() {
            let problems = NameValidation.qualifiedName(key.lowercased())
            if !problems.isEmpty {
                errors.append(FieldError(.invalid(value: key), path.child("annotations"), problems.joined(separator: "; ")))
            }
            annotationBytes += key.utf8.count + (annotations[key]?.utf8.count ?? 0)
        }
        if annotationBytes > 256 * 1024 {
            errors.append(FieldError(.tooLong(maxLength: 256 * 1024), path.child("annotations")))
        }
        Check.nonNegative(generation, path.child("generation"), into: &errors)
        return errors
    }

    /// Kubernetes' `ValidateObjectMetaUpdate`: name, namespace, uid and creationTimestamp may not
    /// change (an update that leaves uid or creationTimestamp empty keeps the stored ones).
    func validateUpdate(from old: ObjectMeta) -> FieldErrors {
        var errors: FieldErrors = []
        let path = FieldPath("metadata")
        Check.immutable(name, old.name, path.child("name"), shown: name, into: &errors)
        Check.immutable(namespace, old.namespace, path.child("namespace"), shown: namespace, into: &errors)
        if !uid.isEmpty {
            Check.immutable(uid, old.uid, path.child("uid"), shown: uid, into: &errors)
        }
        if let creationTimestamp {
            Check.immutable(creationTimestamp, old.creationTimestamp ?? creationTimestamp,
                            path.child("creationTimestamp"), shown: creationTimestamp.rfc3339, into: &errors)
        }
        return errors
    }
}
