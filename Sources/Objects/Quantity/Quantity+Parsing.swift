import JSON

extension Quantity {
    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [String: Int] = [
        "Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60,
    ]

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// Parses `<sign><digits>[.<digits>]<suffix>`: `128Mi`, `1.5Gi`, `500m`, `2`, `1e3`, `-0.1`.
    /// Suffixes: binary Ki Mi Gi Ti Pi Ei; decimal n u m k M G T P E; or e/E and an exponent.
    /// - Throws: ``QuantityError`` for anything else.
    public init(parsing text: String) throws(QuantityError) {
        let b = Array(text.utf8)
        guard b.count <= Self.maxTextBytes else { throw .tooLong(text: text) }
        var pos = 0
        var negative = false
        if pos < b.count, b[pos] == UInt8(ascii: "-") || b[pos] == UInt8(ascii: "+") {
            negative = b[pos] == UInt8(ascii: "-")
            pos += 1
        }
        let intStart = pos
        while pos < b.count, Self.isDigit(b[pos]) { pos += 1 }
        var digits = Array(b[intStart..<pos])
        var fractionCount = 0
        if pos < b.count, b[pos] == UInt8(ascii: ".") {
            pos += 1
            let fracStart = pos
            while pos < b.count, Self.isDigit(b[pos]) { pos += 1 }
            fractionCount = pos - fracStart
            digits += b[fracStart..<pos]
        }
        guard !digits.isEmpty else { throw .formatWrong(text: text) }
        // The suffix: letters of "eEinumkKMGTP", then an optional sign and digits.
        let suffixStart = pos
        while pos < b.count, Array("eEinumkKMGTP".utf8).contains(b[pos]) { pos += 1 }
        if pos < b.count, b[pos] == UInt8(ascii: "-") || b[pos] == UInt8(ascii: "+") { pos += 1 }
        while pos < b.count, Self.isDigit(b[pos]) { pos += 1 }
        guard pos == b.count else { throw .formatWrong(text: text) }
        let suffix = String(decoding: b[suffixStart...], as: UTF8.self)

        var decimalExponent = 0
        var binaryExponent = 0
        let format: Format
        if let e = Self.decimalSuffixes[suffix] {
            format = .decimalSI
            decimalExponent = e
        } else if let e = Self.binarySuffixes[suffix] {
            format = .binarySI
            binaryExponent = e
        } else if suffix.utf8.count > 1, suffix.first == "e" || suffix.first == "E", let e = Int32(suffix.dropFirst()) {
            format = .decimalExponent
            decimalExponent = Int(e)
        } else {
            throw .unknownSuffix(text: text, suffix: suffix)
        }
        // Kubernetes caps binary-SI text at 2⁶³−1 units; decimal text it keeps exact, so only
        // the 128-bit range limits it here.
        let cap = format == .binarySI ? Self.capNanos : Int128.max
        let magnitude = Self.nanos(digits: digits, decimalExponent: decimalExponent - fractionCount, binaryExponent: binaryExponent, cap: cap)
        self.init(nanos: negative ? -magnitude : magnitude, format: format)
    }

    /// The exact magnitude in nano-units of `digits × 10^decimalExponent × 2^binaryExponent`,
    /// rounded up to a whole nano-unit and capped at `cap`.
    private static func nanos(digits: [UInt8], decimalExponent: Int, binaryExponent: Int, cap: Int128) -> Int128 {
        let significant = Array(digits.drop(while: { $0 == UInt8(ascii: "0") }))
        if significant.isEmpty { return 0 }
        var big = UnboundedMagnitude(decimalDigits: significant)
        for _ in 0..<(binaryExponent / 10) { big.multiply(by: 1024) }
        let power = decimalExponent + 9
        if power >= 0 {
            // Past 10^40 nano-units the value is above any cap.
            if power > 40 { return cap }
            for _ in 0..<power { big.multiply(by: 10) }
        } else {
            let shift = -power
            // digits × 2^60 < 10^(count + 19): shifting further leaves less than one nano-unit.
            if shift > significant.count + 19 { return 1 }
            var inexact = false
            for _ in 0..<shift where big.divide(by: 10) != 0 { inexact = true }
            if inexact { big.add(1) }
        }
        return big.value(atMost: cap) ?? cap
    }

    /// A quantity from its JSON form: a string (`"500m"`) or a number (`2`, `0.5`; YAML manifests
    /// often write `cpu: 2`), as Kubernetes' decoder accepts both.
    /// - Throws: ``QuantityError/formatWrong(text:)`` for other JSON types, or the parse error.
    public init(json: JSONValue) throws(QuantityError) {
        switch json {
        case .string(let text), .number(let text): try self.init(parsing: text)
        default: throw .formatWrong(text: String(decoding: json.encoded(), as: UTF8.self))
        }
    }

    /// The JSON form Kubernetes writes: the canonical string.
    public var json: JSONValue { .string(description) }
}
