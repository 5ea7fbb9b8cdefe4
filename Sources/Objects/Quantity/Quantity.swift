/// A resource quantity as Kubernetes writes them (`500m`, `128Mi`, `1.5Gi`, `2`, `1e3`), held
/// exactly as a count of nano-units (10⁻⁹) in 128 bits. Like Kubernetes, parsing rounds anything
/// finer than a nano-unit up (away from zero) and caps binary-SI text (`100Ei`) at 2⁶³−1 units;
/// decimal text is exact up to ±1.7×10²⁹ units and saturates beyond (Kubernetes keeps any size).
/// Sums saturate at the same bound. Equality and ordering compare values only, never the format:
/// `1Gi == 1073741824`.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How the quantity prints: binary SI suffixes (`Ki`...), decimal SI suffixes (`m`, `k`...),
    /// or a decimal exponent (`1e3`). Parsing keeps the format of the text.
    public enum Format: Sendable, Hashable {
        case decimalSI, binarySI, decimalExponent
    }

    /// The longest text ``init(parsing:)`` accepts.
    public static let maxTextBytes = 256
    static let nanosPerUnit: Int128 = 1_000_000_000
    /// The largest magnitude binary-SI text parses to: 2⁶³−1 units.
    static let capNanos: Int128 = Int128(Int64.max) * nanosPerUnit

    /// The value in nano-units (10⁻⁹ of the unit: bytes, cores...).
    public private(set) var nanos: Int128
    /// How ``description`` prints the value.
    public var format: Format

    /// A quantity of `nanos` nano-units.
    public init(nanos: Int128, format: Format = .decimalSI) {
        self.nanos = nanos
        self.format = format
    }

    /// A whole number of units (`Quantity(value: 2)` is `2`; with `.binarySI`, 1024 is `1Ki`).
    public init(value: Int64, format: Format = .decimalSI) {
        self.init(nanos: Int128(value) * Self.nanosPerUnit, format: format)
    }

    /// A number of thousandths of a unit (`Quantity(milliValue: 500)` is `500m`).
    public init(milliValue: Int64, format: Format = .decimalSI) {
        self.init(nanos: Int128(milliValue) * 1_000_000, format: format)
    }

    /// Zero, printed `0`.
    public static let zero = Quantity(nanos: 0)

    /// Whether the value is zero (in any format).
    public var isZero: Bool { nanos == 0 }

    /// The value in units, rounded up away from zero (`1500m` → 2, `-1500m` → -2), saturating at
    /// the Int64 range.
    public var value: Int64 { Self.scaledRoundingUp(nanos, by: Self.nanosPerUnit) }

    /// The value in thousandths, rounded up away from zero (`1n` → 1), saturating at the Int64 range.
    public var milliValue: Int64 { Self.scaledRoundingUp(nanos, by: 1_000_000) }

    private static func scaledRoundingUp(_ n: Int128, by divisor: Int128) -> Int64 {
        var (q, r) = n.quotientAndRemainder(dividingBy: divisor)
        if r > 0 { q += 1 } else if r < 0 { q -= 1 }
        if q > Int128(Int64.max) { return .max }
        if q < Int128(Int64.min) { return .min }
        return Int64(q)
    }

    public static func < (a: Quantity, b: Quantity) -> Bool { a.nanos < b.nanos }
    public static func == (a: Quantity, b: Quantity) -> Bool { a.nanos == b.nanos }
    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }

    /// The sum; it prints in the left operand's format unless that is zero (then the right's),
    /// as Kubernetes' `Add` does. Saturates instead of overflowing.
    public static func + (a: Quantity, b: Quantity) -> Quantity {
        let (sum, overflow) = a.nanos.addingReportingOverflow(b.nanos)
        let result = overflow ? (b.nanos > 0 ? Int128.max : Int128.min) : sum
        return Quantity(nanos: result, format: a.isZero ? b.format : a.format)
    }

    /// The difference, formatted like ``+(_:_:)``. Saturates instead of overflowing.
    public static func - (a: Quantity, b: Quantity) -> Quantity {
        let (difference, overflow) = a.nanos.subtractingReportingOverflow(b.nanos)
        let result = overflow ? (b.nanos < 0 ? Int128.max : Int128.min) : difference
        return Quantity(nanos: result, format: a.isZero ? b.format : a.format)
    }

    /// Adds in place (see ``+(_:_:)``); the scheduler sums requests this way.
    public static func += (a: inout Quantity, b: Quantity) { a = a + b }
    /// Subtracts in place (see ``-(_:_:)``).
    public static func -= (a: inout Quantity, b: Quantity) { a = a - b }

    /// The negated quantity (same format).
    public static prefix func - (a: Quantity) -> Quantity {
        Quantity(nanos: a.nanos == Int128.min ? Int128.max : -a.nanos, format: a.format)
    }
}
