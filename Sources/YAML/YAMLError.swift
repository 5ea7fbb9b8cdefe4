/// A position in YAML text: 1-based line and 1-based column (columns count bytes).
public struct YAMLMark: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    /// A mark at 1-based `line` and `column`.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Why text is not YAML this reader accepts. Every case carries where the problem was found and
/// the message says what was expected there.
public enum YAMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The grammar allows something else here (`found` describes the character or token).
    case unexpected(found: String, expected: String, at: YAMLMark)
    /// A quoted scalar that the end of the stream or a document marker cut off.
    case unterminatedScalar(quote: String, startedAt: YAMLMark)
    /// A tab character used as indentation in block context (YAML forbids it).
    case tabInIndentation(at: YAMLMark)
    /// A line indented where no node can start (`expected` names what would fit).
    case badIndentation(expected: String, at: YAMLMark)
    /// A mapping key given twice in the same mapping (sigs.k8s.io/yaml rejects these too).
    case duplicateKey(String, at: YAMLMark)
    /// `*name` without an earlier `&name` in the same document.
    case undefinedAlias(String, at: YAMLMark)
    /// Aliases would expand to more nodes than ``YAMLReader/maxAliasExpansionNodes`` (an alias bomb).
    case aliasExpansionLimit(limit: Int, at: YAMLMark)
    /// Collections nested deeper than ``YAMLReader/maxDepth``.
    case tooDeep(limit: Int, at: YAMLMark)
    /// A backslash escape a double-quoted scalar does not allow (`\q`, a lone surrogate).
    case invalidEscape(String, at: YAMLMark)
    /// The bytes are not UTF-8 (offset of the first bad byte), or contain a NUL byte.
    case invalidEncoding(offset: Int)
    /// A scalar whose explicit tag (`!!int`, `!!bool`...) does not fit its text.
    case invalidTaggedValue(tag: String, value: String, at: YAMLMark)
    /// A mapping key that is a collection (JSON keys must be strings).
    case nonScalarKey(at: YAMLMark)

    /// Where the problem was found (nil for encoding errors, which have a byte offset instead).
    public var mark: YAMLMark? {
        switch self {
        case .unexpected(_, _, let m), .unterminatedScalar(_, let m), .tabInIndentation(let m),
             .badIndentation(_, let m), .duplicateKey(_, let m), .undefinedAlias(_, let m),
             .aliasExpansionLimit(_, let m), .tooDeep(_, let m), .invalidEscape(_, let m),
             .invalidTaggedValue(_, _, let m), .nonScalarKey(let m):
            return m
        case .invalidEncoding:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unexpected(let found, let expected, let m):
            return "yaml: \(m): found \(found), expected \(expected)"
        case .unterminatedScalar(let quote, let m):
            return "yaml: \(m): found unterminated \(quote)-quoted scalar (expected a closing \(quote))"
        case .tabInIndentation(let m):
            return "yaml: \(m): found a tab character in indentation (expected spaces)"
        case .badIndentation(let expected, let m):
            return "yaml: \(m): bad indentation (expected \(expected))"
        case .duplicateKey(let key, let m):
            return "yaml: \(m): duplicate mapping key \"\(key)\""
        case .undefinedAlias(let name, let m):
            return "yaml: \(m): unknown anchor '\(name)' referenced"
        case .aliasExpansionLimit(let limit, let m):
            return "yaml: \(m): aliases expand to more than \(limit) nodes"
        case .tooDeep(let limit, let m):
            return "yaml: \(m): exceeded max depth of \(limit)"
        case .invalidEscape(let text, let m):
            return "yaml: \(m): found invalid escape \(text) in double-quoted scalar"
        case .invalidEncoding(let offset):
            return "yaml: invalid UTF-8 or NUL byte at offset \(offset)"
        case .invalidTaggedValue(let tag, let value, let m):
            return "yaml: \(m): cannot decode \"\(value)\" as \(tag)"
        case .nonScalarKey(let m):
            return "yaml: \(m): found a collection as a mapping key (expected a scalar key)"
        }
    }
}
