import JSON

extension Quantity {
    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// Whether `c` may appear in the letters of a suffix (`eEinumkKMGTP`).
    private static func isSuffixLetter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "m"),
             UInt8(ascii: "k"), UInt8(ascii: "K"), UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "P"):
            return true
        default:
            return false
        }
    }

    /// The power of ten of a decimal SI suffix letter, or nil.
    private static func decimalExponent(ofLetter c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "n"): return -9
        case UInt8(ascii: "u"): return -6
        case UInt8(ascii: "m"): return -3
        case UInt8(ascii: "k"): return 3
        case UInt8(ascii: "M"): return 6
        case UInt8(ascii: "G"): return 9
        case UInt8(ascii: "T"): return 12
        case UInt8(ascii: "P"): return 15
        case UInt8(ascii: "E"): return 18
        default: return nil
        }
    }

    /// The power of two of a binary SI suffix's first letter (`Ki` → 10), or nil.
    private static func binaryExponent(ofLetter c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "K"): return 10
        case UInt8(ascii: "M"): return 20
        case UInt8(ascii: "G"): return 30
        case UInt8(ascii: "T"): return 40
        case UInt8(ascii: "P"): return 50
        case UInt8(ascii: "E"): return 60
        default: return nil
        }
    }

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
        let intEnd = pos
        var fracStart = pos
        var fracEnd = pos
        if pos < b.count, b[pos] == UInt8(ascii: ".") {
            pos += 1
            fracStart = pos
            while pos < b.count, Self.isDigit(b[pos]) { pos += 1 }
            fracEnd = pos
        }
        guard intEnd > intStart || fracEnd > fracStart else { throw .formatWrong(text: text) }
        // The suffix: letters of "eEinumkKMGTP", then an optional sign and digits.
        let suffixStart = pos
        while pos < b.count, Self.isSuffixLetter(b[pos]) { pos += 1 }
        if pos < b.count, b[pos] == UInt8(ascii: "-") || b[pos] == UInt8(ascii: "+") { pos += 1 }
        while pos < b.count, Self.isDigit(b[pos]) { pos += 1 }
        guard pos == b.count else { throw .formatWrong(text: text) }

        var decimalExponent = 0
        var binaryExponent = 0
        let format: Format
        let suffix = b[suffixStart...]
        if suffix.isEmpty {
            format = .decimalSI
        } else if suffix.count == 1, let e = Self.decimalExponent(ofLetter: suffix[suffixStart]) {
            format = .decimalSI
            decimalExponent = e
        } else if suffix.count == 2, suffix[suffixStart + 1] == UInt8(ascii: "i"), let e = Self.binaryExponent(ofLetter: suffix[suffixStart]) {
            format = .binarySI
            binaryExponent = e
        } else if suffix.count > 1, suffix[suffixStart] == UInt8(ascii: "e") || suffix[suffixStart] == UInt8(ascii: "E"),
                  let e = Int32(String(decoding: suffix.dropFirst(), as: UTF8.self)) {
            format = .decimalExponent
            decimalExponent = Int(e)
        } else {
            throw .unknownSuffix(text: text, suffix: String(decoding: suffix, as: UTF8.self))
        }
        // Kubernetes caps binary-SI text at 2⁶³−1 units; decimal text it keeps exact, so only
        // the 128-bit range limits it here.
        let cap = format == .binarySI ? Self.capNanos : Int128.max
        let magnitude = Self.nanos(b, integer: intStart..<intEnd, fraction: fracStart..<fracEnd,
                                   decimalExponent: decimalExponent - (fracEnd - fracStart), binaryExponent: binaryExponent, cap: cap)
        self.init(nanos: negative ? -magnitude : magnitude, format: format)
    }

    /// The exact magnitude in nano-units of `digits × 10^decimalExponent × 2^binaryExponent`,
    /// where the digits are the integer then the fraction digits of `b`, rounded up to a whole
    /// nano-unit and capped at `cap`.
    private static func nanos(_ b: [UInt8], integer: Range<Int>, fraction: Range<Int>,
                              decimalExponent: Int, binaryExponent: Int, cap: Int128) -> Int128 {
        // The significant digits (without leading zeros): how many, and their value if ≤ 18.
        var mantissa: UInt64 = 0
        var count = 0
        for j in integer { Self.accumulate(b[j], &mantissa, &count) }
        for j in fraction { Self.accumulate(b[j], &mantissa, &count) }
        if count == 0 { return 0 }
        let power = decimalExponent + 9
        if count <= 18 {
            // Fast path: mantissa < 10^18 < 2^60, so mantissa × 2^60 fits in 120 bits.
            let scaled = Int128(mantissa) << binaryExponent
            if power >= 0 {
                if power > 38 { return cap }
                let (product, overflow) = scaled.multipliedReportingOverflow(by: Self.powerOfTen(power))
                return overflow || product > cap ? cap : product
            }
            // scaled < 2^120 < 10^37: dividing by 10^37 or more leaves less than one nano-unit.
            if -power >= 37 { return 1 }
            let (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: Self.powerOfTen(-power))
            let rounded = remainder == 0 ? quotient : quotient + 1
            return min(rounded, cap)
        }
        let digits = Array(b[integer]) + Array(b[fraction])
        var big = UnboundedMagnitude(decimalDigits: Array(digits.drop(while: { $0 == UInt8(ascii: "0") })))
        for _ in 0..<(binaryExponent / 10) { big.multiply(by: 1024) }
        if power >= 0 {
            // Past 10^40 nano-units the value is above any cap.
            if power > 40 { return cap }
            for _ in 0..<power { big.multiply(by: 10) }
        } else {
            let shift = -power
            // digits × 2^60 < 10^(count + 19): shifting further leaves less than one nano-unit.
            if shift > count + 19 { return 1 }
            var inexact = false
            for _ in 0..<shift where big.divide(by: 10) != 0 { inexact = true }
            if inexact { big.add(1) }
        }
        return big.value(atMost: cap) ?? cap
    }

    private static func accumulate(_ digit: UInt8, _ mantissa: inout UInt64, _ count: inout Int) {
        let d = digit - UInt8(ascii: "0")
        if count == 0 && d == 0 { return }
        count += 1
        if count <= 18 { mantissa = mantissa * 10 + UInt64(d) }
    }

    private static let powersOfTen: [Int128] = (0...38).map { n in (0..<n).reduce(Int128(1)) { p, _ in p * 10 } }

    /// 10^n for 0 ≤ n ≤ 38.
    private static func powerOfTen(_ n: Int) -> Int128 { powersOfTen[n] }

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
