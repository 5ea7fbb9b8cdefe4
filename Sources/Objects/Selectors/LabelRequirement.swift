/// The operators of a label selector requirement, spelled as the string form spells them.
public enum LabelSelectorOperator: String, Sendable, Hashable, CaseIterable {
    case equals = "="
    case doubleEquals = "=="
    case notEquals = "!="
    case `in` = "in"
    case notIn = "notin"
    case exists = "exists"
    case doesNotExist = "!"
    case greaterThan = "gt"
    case lessThan = "lt"
}

/// One requirement of a label selector: `key` `operator` `values` (`tier in (db,cache)`,
/// `!legacy`, `app=web`). Build it with ``init(key:operator:values:)``, which validates.
public struct LabelRequirement: Hashable, Sendable, CustomStringConvertible {
    public let key: String
    public let `operator`: LabelSelectorOperator
    /// The values as given (the string form prints them sorted).
    public let values: [String]

    /// A validated requirement: the key must be a qualified name, the values label values, and
    /// their number must fit the operator (one for `=`, `!=`, `gt`, `lt`; at least one for `in`,
    /// `notin`; none for exists and does-not-exist; integers for `gt`/`lt`).
    /// - Throws: ``LabelSelectorError/invalidRequirement(_:)`` naming `key` or `values[i][key]`.
    public init(key: String, operator op: LabelSelectorOperator, values: [String] = []) throws(LabelSelectorError) {
        let errors = Self.validate(key: key, operator: op, values: values, path: nil)
        if !errors.isEmpty { throw .invalidRequirement(errors) }
        self.key = key
        self.operator = op
        self.values = values
    }

    /// The problems of a requirement, with paths under `path` (or bare `key`/`values`).
    static func validate(key: String, operator op: LabelSelectorOperator, values: [String], path: FieldPath?) -> FieldErrors {
        func at(_ name: String) -> FieldPath { path?.child(name) ?? FieldPath(name) }
        var errors: FieldErrors = []
        let keyProblems = NameValidation.qualifiedName(key)
        if !keyProblems.isEmpty {
            errors.append(FieldError(.invalid(value: key), at("key"), keyProblems.joined(separator: "; ")))
        }
        let valuesPath = at("values")
        switch op {
        case .in, .notIn:
            if values.isEmpty {
                errors.append(FieldError(.invalid(value: "[]"), valuesPath, "for 'in', 'notin' operators, values set can't be empty"))
            }
        case .equals, .doubleEquals, .notEquals:
            if values.count != 1 {
                errors.append(FieldError(.invalid(value: "[" + values.joined(separator: " ") + "]"), valuesPath, "exact-match compatibility requires one single value"))
            }
        case .exists, .doesNotExist:
            if !values.isEmpty {
                errors.append(FieldError(.invalid(value: "[" + values.joined(separator: " ") + "]"), valuesPath, "values set must be empty for exists and does not exist"))
            }
        case .greaterThan, .lessThan:
            if values.count != 1 {
                errors.append(FieldError(.invalid(value: "[" + values.joined(separator: " ") + "]"), valuesPath, "for 'Gt', 'Lt' operators, exactly one value is required"))
            }
            for (i, value) in values.enumerated() where Int64(value) == nil {
                errors.append(FieldError(.invalid(value: value), valuesPath.index(i), "for 'Gt', 'Lt' operators, the value must be an integer"))
            }
        }
        for (i, value) in values.enumerated() {
            let problems = NameValidation.labelValue(value)
            if !problems.isEmpty {
                errors.append(FieldError(.invalid(value: value), valuesPath.index(i).key(key), problems.joined(separator: "; ")))
            }
        }
        return errors
    }

    /// Whether a set of labels satisfies the requirement (`notin` and `!=` match a missing key).
    public func matches(_ labels: [String: String]) -> Bool {
        let value = labels[key]
        switch self.operator {
        case .equals, .doubleEquals, .in:
            guard let value else { return false }
            return values.contains(value)
        case .notEquals, .notIn:
            guard let value else { return true }
            return !values.contains(value)
        case .exists:
            return value != nil
        case .doesNotExist:
            return value == nil
        case .greaterThan, .lessThan:
            guard let value, let have = Int64(value), values.count == 1, let bound = Int64(values[0]) else { return false }
            return self.operator == .greaterThan ? have > bound : have < bound
        }
    }

    /// The requirement as Kubernetes prints it: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
    /// `k notin (a,b)`, `k>1`, `k<1` (values sorted).
    public var description: String {
        let sortedValues = values.sorted().joined(separator: ",")
        switch self.operator {
        case .exists: return key
        case .doesNotExist: return "!" + key
        case .equals: return key + "=" + sortedValues
        case .doubleEquals: return key + "==" + sortedValues
        case .notEquals: return key + "!=" + sortedValues
        case .in: return key + " in (" + sortedValues + ")"
        case .notIn: return key + " notin (" + sortedValues + ")"
        case .greaterThan: return key + ">" + sortedValues
        case .lessThan: return key + "<" + sortedValues
        }
    }
}
