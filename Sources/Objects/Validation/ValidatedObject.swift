/// A kind with Kubernetes' validation: what a create must satisfy, and what an update may change.
public protocol ValidatedObject: APIObject {
    /// Every reason the object may not be stored (empty when valid). Call after defaulting.
    func validate() -> FieldErrors
    /// Every reason `self` may not replace `old` (immutable fields), plus ``validate()``'s.
    func validateUpdate(from old: Self) -> FieldErrors
}

/// Entry points over any registered kind.
public enum Validation {
    /// The create-time errors of `object` (empty for kinds without validation, or when valid).
    public static func validate(_ object: any APIObject) -> FieldErrors {
        (object as? any ValidatedObject)?.validate() ?? []
    }

    /// The update-time errors of `new` replacing `old`; a kind mismatch is reported on `kind`.
    public static func validateUpdate(_ new: any APIObject, from old: any APIObject) -> FieldErrors {
        func open<T: ValidatedObject>(_ value: T) -> FieldErrors {
            guard let old = old as? T else {
                return [FieldError(.invalid(value: type(of: old).resourceKind.kind), FieldPath("kind"), "field is immutable")]
            }
            return value.validateUpdate(from: old)
        }
        guard let validated = new as? any ValidatedObject else { return [] }
        return open(validated)
    }
}

/// Small checks shared by the kinds' validators, with Kubernetes' wording.
enum Check {
    static let supportedProtocols = ["SCTP", "TCP", "UDP"]

    /// `must be between 1 and 65535, inclusive`.
    static func port(_ value: Int32, _ path: FieldPath, into errors: inout FieldErrors) {
        if !(1...65535).contains(value) {
            errors.append(FieldError(.invalid(value: String(value)), path, "must be between 1 and 65535, inclusive"))
        }
    }

    /// `must be greater than or equal to 0`.
    static func nonNegative<T: BinaryInteger>(_ value: T?, _ path: FieldPath, into errors: inout FieldErrors) {
        if let value, value < 0 {
            errors.append(FieldError(.invalid(value: String(value)), path, "must be greater than or equal to 0"))
        }
    }

    /// `must be greater than 0`.
    static func positive<T: BinaryInteger>(_ value: T?, _ path: FieldPath, into errors: inout FieldErrors) {
        if let value, value <= 0 {
            errors.append(FieldError(.invalid(value: String(value)), path, "must be greater than 0"))
        }
    }

    /// Required, then one of `supported`.
    static func oneOf(_ value: String, _ supported: [String], _ path: FieldPath, required: Bool = true,
                      into errors: inout FieldErrors) {
        if value.isEmpty {
            if required { errors.append(FieldError(.required, path)) }
        } else if !supported.contains(value) {
            errors.append(FieldError(.notSupported(value: value, supported: supported), path))
        }
    }

    /// A DNS-1123 label (container, port, volume names).
    static func dnsLabel(_ value: String, _ path: FieldPath, into errors: inout FieldErrors) {
        if value.isEmpty {
            errors.append(FieldError(.required, path))
            return
        }
        let problems = NameValidation.dns1123Label(value)
        if !problems.isEmpty { errors.append(FieldError(.invalid(value: value), path, problems.joined(separator: "; "))) }
    }

    /// Label keys and values (`metadata.labels`, selectors, node selectors), in key order.
    static func labels(_ labels: [String: String], _ path: FieldPath, into errors: inout FieldErrors) {
        for key in labels.keys.sorted() {
            let keyProblems = NameValidation.qualifiedName(key)
            if !keyProblems.isEmpty {
                errors.append(FieldError(.invalid(value: key), path, keyProblems.joined(separator: "; ")))
            }
            let value = labels[key] ?? ""
            let valueProblems = NameValidation.labelValue(value)
            if !valueProblems.isEmpty {
                errors.append(FieldError(.invalid(value: value), path.key(key), valueProblems.joined(separator: "; ")))
            }
        }
    }

    /// A label selector: its matchLabels and each requirement's key, operator and values.
    static func selector(_ selector: LabelSelectorSpec, _ path: FieldPath, into errors: inout FieldErrors) {
        labels(selector.matchLabels, path.child("matchLabels"), into: &errors)
        for (i, requirement) in selector.matchExpressions.enumerated() {
            let p = path.child("matchExpressions").index(i)
            let keyProblems = NameValidation.qualifiedName(requirement.key)
            if !keyProblems.isEmpty {
                errors.append(FieldError(.invalid(value: requirement.key), p.child("key"), keyProblems.joined(separator: "; ")))
            }
            switch requirement.operator {
            case "In", "NotIn":
                if requirement.values.isEmpty {
                    errors.append(FieldError(.required, p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
                }
            case "Exists", "DoesNotExist":
                if !requirement.values.isEmpty {
                    errors.append(FieldError(.forbidden, p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            default:
                errors.append(FieldError(.invalid(value: requirement.operator), p.child("operator"), "not a valid selector operator"))
            }
        }
    }

    /// Whether `selector` selects an object with `labels` (matchLabels and matchExpressions ANDed).
    static func selector(_ selector: LabelSelectorSpec, matches labels: [String: String]) -> Bool {
        for (key, value) in selector.matchLabels where labels[key] != value { return false }
        for requirement in selector.matchExpressions {
            let value = labels[requirement.key]
            switch requirement.operator {
            case "In": if value == nil || !requirement.values.contains(value!) { return false }
            case "NotIn": if let value, requirement.values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// `field is immutable` when `new` differs from `old`.
    static func immutable<T: Equatable>(_ new: T, _ old: T, _ path: FieldPath, shown: String,
                                        into errors: inout FieldErrors) {
        if new != old { errors.append(FieldError(.invalid(value: shown), path, "field is immutable")) }
    }

    /// How Go's `%v` would show a string map: `map[string]string{"app":"web"}`, keys sorted.
    static func goMap(_ map: [String: String]) -> String {
        "map[string]string{" + map.keys.sorted().map { "\"\($0)\":\"\(map[$0] ?? "")\"" }.joined(separator: ", ") + "}"
    }
}
