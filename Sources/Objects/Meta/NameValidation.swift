/// The syntax rules Kubernetes applies to names, label keys and label values. Each check returns
/// the problems found (Kubernetes' wording), empty when the text is valid.
public enum NameValidation {
    /// An RFC 1123 label (namespace names, service names, container names): at most 63 characters,
    /// lowercase alphanumerics or '-', starting and ending with an alphanumeric.
    public static func dns1123Label(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > 63 { problems.append("must be no more than 63 characters") }
        if !isLabelShaped(Array(text.utf8)) {
            problems.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        }
        return problems
    }

    /// An RFC 1123 subdomain (most object names): at most 253 characters, dot-separated labels.
    public static func dns1123Subdomain(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > 253 { problems.append("must be no more than 253 characters") }
        let bytes = Array(text.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if bytes.isEmpty || !parts.allSatisfy({ isLabelShaped(Array($0)) }) {
            problems.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        }
        return problems
    }

    /// A qualified name (label and annotation keys): an optional DNS subdomain prefix and '/', then
    /// a name of at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with
    /// an alphanumeric.
    public static func qualifiedName(_ text: String) -> [String] {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        var name = text
        var problems: [String] = []
        switch parts.count {
        case 1: break
        case 2:
            let prefix = String(parts[0])
            name = String(parts[1])
            if prefix.isEmpty {
                problems.append("prefix part must be non-empty")
            } else {
                problems += dns1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            problems.append("name part must be non-empty")
        } else {
            if name.utf8.count > 63 { problems.append("name part must be no more than 63 characters") }
            if !isQualifiedShaped(Array(name.utf8)) {
                problems.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
            }
        }
        return problems
    }

    /// A label value: empty, or at most 63 characters shaped like a qualified name's name part.
    public static func labelValue(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var problems: [String] = []
        if text.utf8.count > 63 { problems.append("must be no more than 63 characters") }
        if !isQualifiedShaped(Array(text.utf8)) {
            problems.append("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
        }
        return problems
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        isLowerAlnum(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    private static func isLabelShaped(_ b: [UInt8]) -> Bool {
        guard let first = b.first, let last = b.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return b.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isQualifiedShaped(_ b: [UInt8]) -> Bool {
        guard let first = b.first, let last = b.last, isAlnum(first), isAlnum(last) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
