import JSON

/// The opaque `continue` of a paginated list: base64 of `{"rv":<revision>,"start":"<key suffix>"}`,
/// where the suffix is the next key to read relative to the list's prefix (so a token can never
/// reach outside the resource and namespace it was issued for). Every page reads at `revision`.
public struct ContinueToken: Equatable, Sendable {
    /// The store revision every page of the list reads at.
    public var revision: Int64
    /// The first key of the next page, relative to the list's prefix.
    public var startSuffix: [UInt8]

    /// A token.
    public init(revision: Int64, startSuffix: [UInt8]) {
        self.revision = revision
        self.startSuffix = startSuffix
    }

    /// The text clients send back.
    public var encoded: String {
        let json = JSONValue.object([("rv", .number(String(revision))),
                                     ("start", .string(String(decoding: startSuffix, as: UTF8.self)))]).encoded()
        return Base64Text.encode(json)
    }

    /// Parses a client's token.
    /// - Throws: `.badRequest` when it is not one this store issued.
    public init(parsing text: String) throws(StoreError) {
        let bad = StoreError.badRequest(message: "continue key is not valid: \(text)")
        guard let bytes = Base64Text.decode(text), let value = try? JSONParser.parse(bytes),
              case .number(let rvText)? = value["rv"], let rv = Int64(rvText), rv > 0,
              case .string(let start)? = value["start"] else { throw bad }
        let suffix = Array(start.utf8)
        // A token names a key under the prefix: never an absolute or parent path.
        if suffix.first == UInt8(ascii: "/") || start.contains("..") { throw bad }
        revision = rv
        startSuffix = suffix
    }
}

/// Standard base64 (RFC 4648, padded) over bytes, for continue tokens.
enum Base64Text {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var n = UInt32(bytes[i]) << 16
            if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            out.append(rest == 2 ? alphabet[Int((n >> 6) & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            var n: UInt32 = 0
            var pad = 0
            for j in 0..<4 {
                let c = input[i + j]
                let v: UInt32
                switch c {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): v = 62
                case UInt8(ascii: "/"): v = 63
                case UInt8(ascii: "=") where i + 4 == input.count && j >= 2: pad += 1; v = 0
                default: return nil
                }
                if pad > 0 && c != UInt8(ascii: "=") { return nil }
                n = n << 6 | v
            }
            out.append(UInt8(n >> 16))
            if pad < 2 { out.append(UInt8((n >> 8) & 0xff)) }
            if pad < 1 { out.append(UInt8(n & 0xff)) }
            i += 4
        }
        return out
    }
}
