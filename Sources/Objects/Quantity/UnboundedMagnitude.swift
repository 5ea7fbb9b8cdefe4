/// A small unsigned big integer (little-endian 32-bit limbs) used only to turn a quantity's text
/// into an exact count of nano-units; quantities are short, so the loops are short.
struct UnboundedMagnitude {
    private(set) var limbs: [UInt32] = []

    /// The value of decimal digits (ASCII `0`-`9`).
    init(decimalDigits: [UInt8]) {
        for d in decimalDigits {
            multiply(by: 10)
            add(UInt32(d - UInt8(ascii: "0")))
        }
    }

    var isZero: Bool { limbs.allSatisfy { $0 == 0 } }

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for i in limbs.indices {
            let product = UInt64(limbs[i]) * UInt64(factor) + carry
            limbs[i] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    mutating func add(_ value: UInt32) {
        var carry = UInt64(value)
        var i = 0
        while carry != 0 {
            if i == limbs.count { limbs.append(0) }
            let sum = UInt64(limbs[i]) + carry
            limbs[i] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
            i += 1
        }
    }

    /// Divides in place and returns the remainder.
    mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for i in limbs.indices.reversed() {
            let current = (remainder << 32) | UInt64(limbs[i])
            limbs[i] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while limbs.last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }

    /// The value if it is at most `limit`, else nil.
    func value(atMost limit: Int128) -> Int128? {
        var trimmed = limbs
        while trimmed.last == 0 { trimmed.removeLast() }
        guard trimmed.count <= 4 else { return nil }
        var v: UInt128 = 0
        for limb in trimmed.reversed() { v = v << 32 | UInt128(limb) }
        guard v <= UInt128(limit) else { return nil }
        return Int128(v)
    }
}
