/// Why a label selector string or spec is not a valid selector. Messages follow Kubernetes'
/// (`unable to parse requirement: found '', expected: identifier`).
public enum LabelSelectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A token the grammar does not allow here; `inRequirement` adds Kubernetes' prefix
    /// `unable to parse requirement: ` for problems inside one requirement.
    case syntax(found: String, expected: String, inRequirement: Bool)
    /// A requirement of a parsed string with an invalid key or values (paths `key`, `values[0][k]`).
    case invalidRequirement(FieldErrors)
    /// A `LabelSelectorSpec` with an invalid key, operator or values, each naming its field.
    case invalidSpec(FieldErrors)

    public var description: String {
        switch self {
        case .syntax(let found, let expected, let inRequirement):
            return (inRequirement ? "unable to parse requirement: " : "") + "found '\(found)', expected: \(expected)"
        case .invalidRequirement(let errors):
            return "unable to parse requirement: " + Self.aggregate(errors)
        case .invalidSpec(let errors):
            return Self.aggregate(errors)
        }
    }

    /// One error as itself, several as `[a, b]` (Kubernetes' aggregate error form).
    static func aggregate(_ errors: FieldErrors) -> String {
        errors.count == 1 ? errors[0].description : "[" + errors.map(\.description).joined(separator: ", ") + "]"
    }
}
