import TestSupport
/// Base64 decoding for the gateway's `bytes` fields (the encoder is TestSupport's `b64`).
enum Base64Text {
    private static let table: [UInt8: UInt8] = {
        var t: [UInt8: UInt8] = [:]
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[c] = UInt8(i) }
        return t
    }()

    /// The decoded text, or nil for malformed input.
    static func decode(_ text: String) -> String? {
        var bits: UInt32 = 0
        var count = 0
        var out: [UInt8] = []
        for c in text.utf8 where c != UInt8(ascii: "=") {
            guard let v = table[c] else { return nil }
            bits = (bits << 6) | UInt32(v)
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8((bits >> UInt32(count)) & 0xFF))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
