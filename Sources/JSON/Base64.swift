/// Standard base64 (RFC 4648, with padding) on byte arrays: how JSON carries bytes (etcd's gateway
/// keys and values, Kubernetes' `[]byte` fields such as Secret data).
public enum Base64 {
    @usableFromInline
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 encoding of `bytes` to `output`.
    @inlinable
    public static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
        let count = bytes.count
        output.reserveCapacity(output.count + (count + 2) / 3 * 4)
        alphabet.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { input in
                var index = 0
                while index + 3 <= count {
                    let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                    output.append(table[Int(word >> 18)])
                    output.append(table[Int(word >> 12 & 63)])
                    output.append(table[Int(word >> 6 & 63)])
                    output.append(table[Int(word & 63)])
                    index += 3
                }
                let rest = count - index
                if rest == 1 {
                    let word = UInt32(input[index]) << 16
                    output.append(table[Int(word >> 18)])
                    output.append(table[Int(word >> 12 & 63)])
                    output.append(UInt8(ascii: "="))
                    output.append(UInt8(ascii: "="))
                } else if rest == 2 {
                    let word = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                    output.append(table[Int(word >> 18)])
                    output.append(table[Int(word >> 12 & 63)])
                    output.append(table[Int(word >> 6 & 63)])
                    output.append(UInt8(ascii: "="))
                }
            }
        }
    }

    /// The base64 encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        encode(bytes, into: &output)
        return output
    }

    /// Decodes padded standard base64; nil on any bad character, bad length or bad padding.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        if text.count % 4 != 0 { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var index = 0
        while index < text.count {
            var word: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let character = text[index + offset]
                let sextet: UInt32
                switch character {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextet = UInt32(character - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): sextet = UInt32(character - UInt8(ascii: "a") + 26)
                case UInt8(ascii: "0")...UInt8(ascii: "9"): sextet = UInt32(character - UInt8(ascii: "0") + 52)
                case UInt8(ascii: "+"): sextet = 62
                case UInt8(ascii: "/"): sextet = 63
                case UInt8(ascii: "="):
                    // Padding only in the last quartet's last two places.
                    if index + 4 != text.count || offset < 2 { return nil }
                    padding += 1
                    sextet = 0
                default: return nil
                }
                if padding > 0 && character != UInt8(ascii: "=") { return nil }
                word = word << 6 | sextet
            }
            output.append(UInt8(truncatingIfNeeded: word >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: word >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: word)) }
            index += 4
        }
        return output
    }
}
