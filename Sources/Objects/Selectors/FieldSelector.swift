/// A field selector: terms `field=value` (or `==`) and `field!=value` that must all hold, as in
/// `metadata.name=web,status.phase!=Failed`. A missing field reads as the empty string, so
/// `spec.nodeName=` selects unscheduled pods. Which fields a kind supports is the API server's
/// business; this type only parses, prints and matches.
public struct FieldSelector: Hashable, Sendable, CustomStringConvertible {
    /// One term of a field selector.
    public struct Term: Hashable, Sendable, CustomStringConvertible {
        public var field: String
        /// The value, unescaped.
        public var value: String
        /// True for `!=`, false for `=` and `==`.
        public var negated: Bool

        /// A term `field=value`, or `field!=value` when `negated`.
        public init(field: String, value: String, negated: Bool = false) {
            self.field = field
            self.value = value
            self.negated = negated
        }

        /// Whether the term holds for a field whose value is `actual` (nil reads as empty).
        public func matches(_ actual: String?) -> Bool {
            ((actual ?? "") == value) != negated
        }

        /// `field=value` or `field!=value`, with `\`, `,` and `=` in the value escaped.
        public var description: String {
            field + (negated ? "!=" : "=") + FieldSelector.escape(value)
        }
    }

    /// The terms, sorted as Kubernetes sorts them (by their text as written).
    public private(set) var terms: [Term]

    /// A selector of these terms, in the given order.
    public init(_ terms: [Term]) { self.terms = terms }

    /// The selector that matches everything (the empty string).
    public static let everything = FieldSelector([])

    /// Whether the selector has no terms.
    public var isEverything: Bool { terms.isEmpty }

    /// Parses `a=b,c!=d,e==f`. Terms split at unescaped commas; each splits at its first `!=`,
    /// `==` or `=`; values may be empty and may escape `\`, `,` and `=` with a backslash.
    /// - Throws: ``FieldSelectorError`` with Kubernetes' wording.
    public init(parsing text: String) throws(FieldSelectorError) {
        var parts = Self.splitTerms(text)
        parts.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var terms: [Term] = []
        for part in parts where !part.isEmpty {
            guard let (field, op, rawValue) = Self.splitTerm(part) else {
                throw .invalidTerm(selector: text, term: part)
            }
            terms.append(Term(field: field, value: try Self.unescape(rawValue), negated: op == "!="))
        }
        self.terms = terms
    }

    /// Whether an object whose selectable fields are given by `lookup` is selected.
    public func matches(_ lookup: (String) -> String?) -> Bool {
        terms.allSatisfy { $0.matches(lookup($0.field)) }
    }

    /// Whether an object with these selectable fields is selected.
    public func matches(_ fields: [String: String]) -> Bool {
        matches { fields[$0] }
    }

    /// The value a selector requires for `field` with `=`, if any (for indexed lookups such as
    /// `metadata.name` or `spec.nodeName`).
    public func requiredValue(for field: String) -> String? {
        terms.first { $0.field == field && !$0.negated }?.value
    }

    /// The terms joined by `,`.
    public var description: String { terms.map(\.description).joined(separator: ",") }

    /// Splits at commas not escaped by a backslash.
    static func splitTerms(_ text: String) -> [String] {
        var parts: [String] = []
        var current: [UInt8] = []
        var escaped = false
        for c in text.utf8 {
            if escaped {
                escaped = false
                current.append(c)
            } else if c == UInt8(ascii: "\\") {
                escaped = true
                current.append(c)
            } else if c == UInt8(ascii: ",") {
                parts.append(String(decoding: current, as: UTF8.self))
                current = []
            } else {
                current.append(c)
            }
        }
        parts.append(String(decoding: current, as: UTF8.self))
        return parts
    }

    /// Splits a term at the first position where `!=`, `==` or `=` starts.
    static func splitTerm(_ term: String) -> (String, String, String)? {
        let b = Array(term.utf8)
        for i in b.indices {
            for op in ["!=", "==", "="] {
                let o = Array(op.utf8)
                if b[i...].starts(with: o) {
                    return (String(decoding: b[..<i], as: UTF8.self), op, String(decoding: b[(i + o.count)...], as: UTF8.self))
                }
            }
        }
        return nil
    }

    /// A value with `\\`, `\,` and `\=` unescaped; a bare `,` or `=` is an error.
    static func unescape(_ value: String) throws(FieldSelectorError) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                guard c == "\\" || c == "," || c == "=" else { throw .invalidEscape(sequence: "\\" + String(c)) }
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "," || c == "=" {
                throw .unescapedCharacter(c)
            } else {
                out.append(c)
            }
        }
        if escaped { throw .invalidEscape(sequence: "\\") }
        return out
    }

    /// A value with `\`, `,` and `=` escaped by a backslash.
    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            if c == "\\" || c == "," || c == "=" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
