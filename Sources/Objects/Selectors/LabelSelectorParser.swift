/// Parses the string form of label selectors as Kubernetes' `labels.Parse` does:
/// `app=web,tier!=db,env in (prod,staging),!legacy,release notin (v1),has-key,count>3`.
struct LabelSelectorParser {
    enum Token: Equatable {
        case identifier(String)
        case `in`, notIn
        case equals, doubleEquals, notEquals, bang, greaterThan, lessThan
        case openParen, closeParen, comma
        case end

        /// The text Kubernetes prints for the token in "found '...'".
        var literal: String {
            switch self {
            case .identifier(let s): return s
            case .in: return "in"
            case .notIn: return "notin"
            case .equals: return "="
            case .doubleEquals: return "=="
            case .notEquals: return "!="
            case .bang: return "!"
            case .greaterThan: return ">"
            case .lessThan: return "<"
            case .openParen: return "("
            case .closeParen: return ")"
            case .comma: return ","
            case .end: return ""
            }
        }
    }

    private var tokens: [Token]
    private var position = 0

    init(_ text: String) {
        tokens = Self.lex(Array(text.utf8))
    }

    private static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    private static func isSpecial(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "=") || c == UInt8(ascii: "!") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
            || c == UInt8(ascii: ",") || c == UInt8(ascii: ">") || c == UInt8(ascii: "<")
    }

    private static let symbols: [String: Token] = [
        "=": .equals, "==": .doubleEquals, "!=": .notEquals, "!": .bang, ">": .greaterThan, "<": .lessThan,
        "(": .openParen, ")": .closeParen, ",": .comma,
    ]

    /// Splits the text into tokens; symbols are read greedily (`!=` before `!`).
    private static func lex(_ b: [UInt8]) -> [Token] {
        var out: [Token] = []
        var i = 0
        while true {
            while i < b.count, isWhitespace(b[i]) { i += 1 }
            guard i < b.count else { break }
            if isSpecial(b[i]) {
                var best: (Token, Int)?
                var j = i
                while j < b.count, isSpecial(b[j]) {
                    j += 1
                    if let t = symbols[String(decoding: b[i..<j], as: UTF8.self)] {
                        best = (t, j)
                    } else if best != nil {
                        break
                    }
                }
                // Every single special byte is a token, so `best` is set.
                let (token, end) = best ?? (.bang, i + 1)
                out.append(token)
                i = end
            } else {
                let start = i
                while i < b.count, !isWhitespace(b[i]), !isSpecial(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                out.append(word == "in" ? .in : word == "notin" ? .notIn : .identifier(word))
            }
        }
        out.append(.end)
        return out
    }

    /// In value positions the keywords `in` and `notin` are plain identifiers.
    private func lookahead(values: Bool) -> Token {
        let t = tokens[position]
        if values {
            if t == .in { return .identifier("in") }
            if t == .notIn { return .identifier("notin") }
        }
        return t
    }

    private mutating func consume(values: Bool) -> Token {
        let t = lookahead(values: values)
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private func syntax(_ found: Token, _ expected: String, inRequirement: Bool = true) -> LabelSelectorError {
        .syntax(found: found.literal, expected: expected, inRequirement: inRequirement)
    }

    /// The whole selector; the empty string is ``LabelSelector/everything``.
    mutating func parse() throws(LabelSelectorError) -> LabelSelector {
        var requirements: [LabelRequirement] = []
        while true {
            let t = lookahead(values: true)
            switch t {
            case .identifier, .bang:
                requirements.append(try parseRequirement())
                let next = consume(values: true)
                switch next {
                case .end:
                    return LabelSelector(requirements)
                case .comma:
                    let after = lookahead(values: true)
                    guard case .identifier = after else {
                        if after == .bang { continue }
                        throw syntax(after, "identifier after ','", inRequirement: false)
                    }
                default:
                    throw syntax(next, "',' or 'end of string'", inRequirement: false)
                }
            case .end:
                return LabelSelector(requirements)
            default:
                throw syntax(t, "!, identifier, or 'end of string'", inRequirement: false)
            }
        }
    }

    private mutating func parseRequirement() throws(LabelSelectorError) -> LabelRequirement {
        var negated = false
        var t = consume(values: true)
        if t == .bang {
            negated = true
            t = consume(values: true)
        }
        guard case .identifier(let key) = t else { throw syntax(t, "identifier") }
        let keyProblems = NameValidation.qualifiedName(key)
        if !keyProblems.isEmpty {
            throw .invalidRequirement([FieldError(.invalid(value: key), FieldPath("key"), keyProblems.joined(separator: "; "))])
        }
        let next = lookahead(values: true)
        // `!key` ends the requirement whatever follows (the caller reports a stray token).
        if negated { return try LabelRequirement(key: key, operator: .doesNotExist) }
        if next == .end || next == .comma { return try LabelRequirement(key: key, operator: .exists) }
        let opToken = consume(values: false)
        let op: LabelSelectorOperator
        switch opToken {
        case .in: op = .in
        case .notIn: op = .notIn
        case .equals: op = .equals
        case .doubleEquals: op = .doubleEquals
        case .notEquals: op = .notEquals
        case .greaterThan: op = .greaterThan
        case .lessThan: op = .lessThan
        default: throw syntax(opToken, "in, notin, =, ==, !=, gt, lt")
        }
        let values: [String]
        switch op {
        case .in, .notIn: values = try parseValueSet()
        default: values = try parseExactValue()
        }
        return try LabelRequirement(key: key, operator: op, values: values)
    }

    /// `(a,b,c)`: a set, so duplicates collapse and order is sorted; `()` and empty members
    /// are the empty string, as in Kubernetes.
    private mutating func parseValueSet() throws(LabelSelectorError) -> [String] {
        let open = consume(values: true)
        guard open == .openParen else { throw syntax(open, "'('") }
        var set: Set<String> = []
        let first = lookahead(values: true)
        switch first {
        case .closeParen:
            _ = consume(values: true)
            return [""]
        case .identifier, .comma:
            loop: while true {
                let t = consume(values: true)
                switch t {
                case .identifier(let value):
                    set.insert(value)
                    let after = lookahead(values: true)
                    if after == .comma { continue loop }
                    if after == .closeParen { break loop }
                    throw syntax(after, "',' or ')'")
                case .comma:
                    if set.isEmpty { set.insert("") }
                    let after = lookahead(values: true)
                    if after == .closeParen {
                        set.insert("")
                        break loop
                    }
                    if after == .comma {
                        _ = consume(values: true)
                        set.insert("")
                    }
                default:
                    throw syntax(t, "',', or identifier")
                }
            }
            let close = consume(values: true)
            guard close == .closeParen else { throw syntax(close, "')'") }
            return set.sorted()
        default:
            throw syntax(first, "',', ')' or identifier")
        }
    }

    /// The single value after `=`, `==`, `!=`, `>` or `<` (empty when the term ends there).
    private mutating func parseExactValue() throws(LabelSelectorError) -> [String] {
        let t = lookahead(values: true)
        if t == .end || t == .comma { return [""] }
        let value = consume(values: true)
        guard case .identifier(let v) = value else { throw syntax(value, "identifier") }
        return [v]
    }
}

extension LabelSelector {
    /// Parses the string form (`app=web,tier!=db,env in (prod,staging),!legacy,has-key`) with
    /// Kubernetes' grammar and checks: keys are qualified names, values label values.
    /// - Throws: ``LabelSelectorError`` with Kubernetes' wording.
    public init(parsing text: String) throws(LabelSelectorError) {
        var parser = LabelSelectorParser(text)
        self = try parser.parse()
    }
}
