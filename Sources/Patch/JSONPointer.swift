import JSON

/// An RFC 6901 JSON pointer: a sequence of reference tokens, `~1` standing for `/` and `~0` for `~`.
/// The empty pointer `""` names the whole document; `-` as an array token names the end of the array.
public struct JSONPointer: Equatable, Sendable, CustomStringConvertible {
    /// The unescaped reference tokens, outermost first.
    public let tokens: [String]

    /// Why pointer text is not a valid pointer.
    public enum ParseError: Error, Equatable, Sendable {
        /// A non-empty pointer must start with `/`.
        case missingLeadingSlash
        /// `~` must be followed by `0` or `1`.
        case badEscape
    }

    /// Builds a pointer from already-unescaped tokens.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses pointer text such as `/spec/containers/0/image` or `/metadata/labels/a~1b`.
    /// - Throws: `ParseError` when the text does not start with `/` or has a bad `~` escape.
    public init(parsing text: String) throws(ParseError) {
        if text.isEmpty {
            tokens = []
            return
        }
        var bytes = Array(text.utf8)[...]
        guard bytes.first == UInt8(ascii: "/") else { throw .missingLeadingSlash }
        bytes = bytes.dropFirst()
        var result: [String] = []
        var current: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "/") {
                result.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else if c == UInt8(ascii: "~") {
                let next = bytes.index(after: i)
                guard next < bytes.endIndex else { throw .badEscape }
                switch bytes[next] {
                case UInt8(ascii: "0"): current.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): current.append(UInt8(ascii: "/"))
                default: throw .badEscape
                }
                i = next
            } else {
                current.append(c)
            }
            i = bytes.index(after: i)
        }
        result.append(String(decoding: current, as: UTF8.self))
        tokens = result
    }

    /// The pointer as text, with `~` and `/` escaped again.
    public var description: String {
        var out = ""
        for token in tokens {
            out += "/"
            for ch in token {
                switch ch {
                case "~": out += "~0"
                case "/": out += "~1"
                default: out.append(ch)
                }
            }
        }
        return out
    }

    /// Whether `self` is a proper prefix of `other` (used to refuse moving a value into itself).
    public func isProperPrefix(of other: JSONPointer) -> Bool {
        tokens.count < other.tokens.count && Array(other.tokens.prefix(tokens.count)) == tokens
    }
}
