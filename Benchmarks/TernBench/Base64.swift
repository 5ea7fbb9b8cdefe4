/// Standard base64 (RFC 4648, with padding) on byte arrays: the gateway carries keys and values so.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Appends the base64 encoding of `input` to `out`.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = input.count
        out.reserveCapacity(out.count + (n + 2) / 3 * 4)
        while i + 3 <= n {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        if n - i == 1 {
            let v = UInt32(input[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        } else if n - i == 2 {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
    }

    /// Appends the base64 encoding of `input` to `out`.
    static func encode(_ input: [UInt8], to out: inout [UInt8]) {
        input.withUnsafeBufferPointer { encode($0, to: &out) }
    }

    /// The base64 text of a string's UTF-8 bytes.
    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        encode(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes exactly `groups` 4-character groups (no padding) starting at `src` into `dst`
    /// (3 bytes per group); false if a character is not base64.
    static func decodeGroups(_ src: UnsafePointer<UInt8>, groups: Int, into dst: UnsafeMutablePointer<UInt8>) -> Bool {
        for g in 0..<groups {
            let a = decodeTable[Int(src[4 * g])], b = decodeTable[Int(src[4 * g + 1])]
            let c = decodeTable[Int(src[4 * g + 2])], d = decodeTable[Int(src[4 * g + 3])]
            if (a | b | c | d) & 0xC0 != 0 { return false }
            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            dst[3 * g] = UInt8(v >> 16 & 0xFF); dst[3 * g + 1] = UInt8(v >> 8 & 0xFF); dst[3 * g + 2] = UInt8(v & 0xFF)
        }
        return true
    }
}
