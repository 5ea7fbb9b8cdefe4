/// Why text is not a resource quantity. Messages follow Kubernetes' (`quantities must match the
/// regular expression ...`, `unable to parse quantity's suffix`), after `cannot parse 'x': `.
public enum QuantityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not `<sign><digits>[.<digits>]<suffix>` (or is empty).
    case formatWrong(text: String)
    /// The suffix is none of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e/E with an exponent.
    case unknownSuffix(text: String, suffix: String)
    /// More than ``Quantity/maxTextBytes`` bytes (Kubernetes has no limit; real quantities are short).
    case tooLong(text: String)

    public var description: String {
        switch self {
        case .formatWrong(let text):
            return "cannot parse '\(text)': quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        case .unknownSuffix(let text, _):
            return "cannot parse '\(text)': unable to parse quantity's suffix"
        case .tooLong(let text):
            return "cannot parse '\(text.prefix(40))...': a quantity may have at most \(Quantity.maxTextBytes) bytes"
        }
    }
}
