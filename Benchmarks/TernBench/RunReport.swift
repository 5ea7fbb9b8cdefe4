/// One run's figures, printed as one `RESULT key=value ...` line or one JSON object.
struct RunReport {
    private var fields: [(String, String)] = []

    /// Adds a text field.
    mutating func add(_ key: String, _ value: String) { fields.append((key, value)) }
    /// Adds an integer field.
    mutating func add(_ key: String, _ value: Int) { fields.append((key, String(value))) }
    /// Adds a number with `decimals` digits after the point.
    mutating func add(_ key: String, _ value: Double, decimals: Int = 3) { fields.append((key, Self.format(value, decimals))) }

    /// Adds p50/p90/p99/p99.9/max in milliseconds, names prefixed by `prefix`.
    mutating func addLatency(_ h: LatencyHistogram, prefix: String = "") {
        let s = h.summaryMilliseconds
        add(prefix + "p50_ms", s.p50); add(prefix + "p90_ms", s.p90); add(prefix + "p99_ms", s.p99)
        add(prefix + "p999_ms", s.p999); add(prefix + "max_ms", s.max)
    }

    static func format(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (v * scale).rounded() / scale
        var s = String(r)
        if s.hasSuffix(".0") && decimals == 0 { s.removeLast(2) }
        return s
    }

    /// The text line.
    var line: String { "RESULT " + fields.map { "\($0.0)=\($0.1.contains(" ") ? "\"\($0.1)\"" : $0.1)" }.joined(separator: " ") }

    /// The JSON object (numbers unquoted where they parse as numbers).
    var json: String {
        "{" + fields.map { key, value in
            let isNumber = Double(value) != nil && !value.isEmpty
            return "\"\(key)\":" + (isNumber ? value : "\"\(Self.escape(value))\"")
        }.joined(separator: ",") + "}"
    }

    /// JSON string escaping (quotes, backslashes, control characters).
    static func escape(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if u.value < 0x20 { out += " " } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
