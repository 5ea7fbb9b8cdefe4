/// One reason an object is invalid, naming the field, printed as Kubernetes prints it:
/// `spec.containers[0].image: Required value`,
/// `metadata.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain must consist of ...`.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of field error Kubernetes reports (its `reason` in a Status cause is `FieldValue<Kind>`).
    public enum Kind: Hashable, Sendable {
        case required
        /// A value that is malformed or out of range; the value is printed quoted when a string.
        case invalid(value: String)
        case notSupported(value: String, supported: [String])
        case duplicate(value: String)
        case forbidden
        case tooLong(maxLength: Int)
        case tooMany(max: Int)
        /// A reference to something that does not exist (a volume mount naming no volume).
        case notFound(value: String)
    }

    public var path: FieldPath
    public var kind: Kind
    /// The human explanation that follows the kind (may be empty).
    public var detail: String

    public init(_ kind: Kind, _ path: FieldPath, _ detail: String = "") {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    /// The `reason` of a Kubernetes Status cause for this error (`FieldValueRequired`, ...).
    public var reason: String {
        switch kind {
        case .required: return "FieldValueRequired"
        case .invalid: return "FieldValueInvalid"
        case .notSupported: return "FieldValueNotSupported"
        case .duplicate: return "FieldValueDuplicate"
        case .forbidden: return "FieldValueForbidden"
        case .tooLong: return "FieldValueTooLong"
        case .tooMany: return "FieldValueTooMany"
        case .notFound: return "FieldValueNotFound"
        }
    }

    /// The message without the path, as in a Status cause's `message`.
    public var message: String {
        var text: String
        switch kind {
        case .required: text = "Required value"
        case .invalid(let value): text = "Invalid value: \(Self.quoted(value))"
        case .notSupported(let value, let supported):
            text = "Unsupported value: \(Self.quoted(value))"
            if !supported.isEmpty { text += ": supported values: " + supported.map { "\"\($0)\"" }.joined(separator: ", ") }
        case .duplicate(let value): text = "Duplicate value: \(Self.quoted(value))"
        case .forbidden: text = "Forbidden"
        case .tooLong(let max): text = "Too long: must have at most \(max) bytes"
        case .tooMany(let max): text = "Too many: must have at most \(max) items"
        case .notFound(let value): text = "Not found: \(Self.quoted(value))"
        }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }

    public var description: String { "\(path): \(message)" }

    /// Strings are printed quoted (as Go's %q would for plain text); numbers and booleans bare.
    static func quoted(_ value: String) -> String {
        if value == "true" || value == "false" || Int64(value) != nil { return value }
        var out = "\""
        for ch in value {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}

/// All the reasons an object is invalid; empty means valid.
public typealias FieldErrors = [FieldError]
