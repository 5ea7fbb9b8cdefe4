extension LabelSelector {
    /// The operators a `LabelSelectorSpec`'s `matchExpressions` may use.
    public static let specOperators = ["In", "NotIn", "Exists", "DoesNotExist"]

    /// The selector of an object's `LabelSelectorSpec` (matchLabels ANDed with matchExpressions);
    /// an empty spec selects everything. Every problem is reported, each naming its field under
    /// `path` (e.g. `spec.selector.matchExpressions[0].operator: Unsupported value: "Equals"`).
    /// - Throws: ``LabelSelectorError/invalidSpec(_:)``.
    public init(_ spec: LabelSelectorSpec, path: FieldPath = FieldPath("selector")) throws(LabelSelectorError) {
        var errors: FieldErrors = []
        var requirements: [LabelRequirement] = []
        let labelsPath = path.child("matchLabels")
        for key in spec.matchLabels.keys.sorted() {
            let value = spec.matchLabels[key] ?? ""
            let keyProblems = NameValidation.qualifiedName(key)
            if !keyProblems.isEmpty {
                errors.append(FieldError(.invalid(value: key), labelsPath, keyProblems.joined(separator: "; ")))
            }
            let valueProblems = NameValidation.labelValue(value)
            if !valueProblems.isEmpty {
                errors.append(FieldError(.invalid(value: value), labelsPath, valueProblems.joined(separator: "; ")))
            }
            requirements.append(LabelRequirement(unchecked: key, .equals, [value]))
        }
        for (index, expression) in spec.matchExpressions.enumerated() {
            let expressionPath = path.child("matchExpressions").index(index)
            let op: LabelSelectorOperator
            switch expression.operator {
            case "In": op = .in
            case "NotIn": op = .notIn
            case "Exists": op = .exists
            case "DoesNotExist": op = .doesNotExist
            default:
                errors.append(FieldError(.notSupported(value: expression.operator, supported: Self.specOperators), expressionPath.child("operator")))
                continue
            }
            let keyProblems = NameValidation.qualifiedName(expression.key)
            if !keyProblems.isEmpty {
                errors.append(FieldError(.invalid(value: expression.key), expressionPath.child("key"), keyProblems.joined(separator: "; ")))
            }
            let valuesPath = expressionPath.child("values")
            switch op {
            case .in, .notIn:
                if expression.values.isEmpty {
                    errors.append(FieldError(.required, valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"))
                }
            default:
                if !expression.values.isEmpty {
                    errors.append(FieldError(.forbidden, valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            }
            for (i, value) in expression.values.enumerated() {
                let problems = NameValidation.labelValue(value)
                if !problems.isEmpty {
                    errors.append(FieldError(.invalid(value: value), valuesPath.index(i), problems.joined(separator: "; ")))
                }
            }
            requirements.append(LabelRequirement(unchecked: expression.key, op, expression.values))
        }
        if !errors.isEmpty { throw .invalidSpec(errors) }
        self.init(requirements)
    }
}
