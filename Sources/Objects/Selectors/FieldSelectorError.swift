/// Why a field selector string is malformed. Messages follow Kubernetes' `fields.ParseSelector`.
public enum FieldSelectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A term without `=`, `==` or `!=`.
    case invalidTerm(selector: String, term: String)
    /// A backslash before something other than `\`, `,` or `=` (or at the end of a value).
    case invalidEscape(sequence: String)
    /// A `,` or `=` in a value that is not escaped.
    case unescapedCharacter(Character)

    public var description: String {
        switch self {
        case .invalidTerm(let selector, let term):
            return "invalid selector: '\(selector)'; can't understand '\(term)'"
        case .invalidEscape(let sequence):
            return "invalid field selector: invalid escape sequence: \(sequence)"
        case .unescapedCharacter(let c):
            return "invalid field selector: unescaped character in value: \(c)"
        }
    }
}
