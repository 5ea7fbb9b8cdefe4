/// Standard padded base64, as the etcd JSON gateway writes `key`, `value` and `range_end`.
enum GatewayBase64 {
    private static let symbols: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The sextet of each symbol byte, 0xff for a byte that is not one.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, s) in symbols.enumerated() { table[Int(s)] = UInt8(i) }
        return table
    }()

    /// Appends `"<base64>"` (with the quotes) to `out`.
    static func appendQuoted(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.reserveCapacity(out.count + (bytes.count + 2) / 3 * 4 + 1)
        var i = 0
        while i + 3 <= bytes.count {
            let w = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(symbols[Int(w >> 18)]); out.append(symbols[Int(w >> 12 & 63)])
            out.append(symbols[Int(w >> 6 & 63)]); out.append(symbols[Int(w & 63)])
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let w = UInt32(bytes[i]) << 16
            out.append(symbols[Int(w >> 18)]); out.append(symbols[Int(w >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        case 2:
            let w = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(symbols[Int(w >> 18)]); out.append(symbols[Int(w >> 12 & 63)])
            out.append(symbols[Int(w >> 6 & 63)]); out.append(UInt8(ascii: "="))
        default:
            break
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `"<base64>"` with the quotes.
    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        appendQuoted(bytes, to: &out)
        return out
    }

    /// Decodes padded base64; nil when the text is not.
    static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
        let input = Array(text)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let last = i + 4 == input.count
            let pad = last ? (input[i + 3] == UInt8(ascii: "=") ? (input[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var w: UInt32 = 0
            for k in 0..<4 {
                if k >= 4 - pad {
                    w <<= 6
                    continue
                }
                let s = sextets[Int(input[i + k])]
                if s == 0xff { return nil }
                w = w << 6 | UInt32(s)
            }
            out.append(UInt8(truncatingIfNeeded: w >> 16))
            if pad < 2 { out.append(UInt8(truncatingIfNeeded: w >> 8)) }
            if pad < 1 { out.append(UInt8(truncatingIfNeeded: w)) }
            i += 4
        }
        return out
    }
}
