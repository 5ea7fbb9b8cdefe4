extension Quantity {
    private static let decimalSuffixByExponent: [Int: String] = [
        -9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E",
    ]
    private static let binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    /// The canonical text, as Kubernetes prints it: the integer mantissa with the largest suffix
    /// that keeps it whole (`0.5` → `500m`, `1000m` → `1`, `1.5Gi` → `1536Mi`, `1.5k` → `1500`).
    /// Binary quantities print in decimal when they are below 1Ki in magnitude or not a whole
    /// number of units; zero is `0`.
    public var description: String {
        if nanos == 0 { return "0" }
        if format == .binarySI {
            let (units, remainder) = nanos.quotientAndRemainder(dividingBy: Self.nanosPerUnit)
            if remainder == 0 && (units >= 1024 || units <= -1024) {
                var mantissa = units
                var exponent = 0
                while exponent < 6, mantissa % 1024 == 0 {
                    mantissa /= 1024
                    exponent += 1
                }
                return String(mantissa) + Self.binarySuffixes[exponent]
            }
        }
        var mantissa = nanos
        var exponent = -9
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        let extra = ((exponent % 3) + 3) % 3
        for _ in 0..<extra { mantissa *= 10 }
        exponent -= extra
        if format == .decimalExponent {
            return String(mantissa) + (exponent == 0 ? "" : "e" + String(exponent))
        }
        while exponent > 18 {
            mantissa *= 1000
            exponent -= 3
        }
        return String(mantissa) + (Self.decimalSuffixByExponent[exponent] ?? "")
    }
}
