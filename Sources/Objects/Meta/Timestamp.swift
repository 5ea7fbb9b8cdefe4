/// A point in time as Kubernetes writes it: RFC 3339 in UTC, `2026-11-23T16:49:16Z`
/// (`metav1.Time`, whole seconds), or with microseconds, `2026-11-23T16:49:16.123456Z`
/// (`metav1.MicroTime`, used by Events and Leases).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Microseconds within the second, 0..<1_000_000.
    public var microseconds: Int32

    public init(seconds: Int64, microseconds: Int32 = 0) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.microseconds) < (b.seconds, b.microseconds)
    }

    /// `2026-11-23T16:49:16Z` (metav1.Time drops the fraction).
    public var rfc3339: String { format(micro: false) }

    /// `2026-11-23T16:49:16.000000Z`, six fraction digits as metav1.MicroTime writes them.
    public var rfc3339Micro: String { format(micro: true) }

    public var description: String { rfc3339 }

    /// Parses RFC 3339 with an optional fraction (nanoseconds are truncated to microseconds) and a
    /// `Z` or `±hh:mm` offset; nil if malformed.
    public init?(rfc3339 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parseRFC3339($0) }) else { return nil }
        self = parsed
    }

    /// Parses RFC 3339 text given as UTF-8 bytes (see ``init(rfc3339:)``); nil if malformed.
    static func parseRFC3339(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        func digits(_ at: Int, _ n: Int) -> Int64? {
            guard at + n <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[at..<at + n] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard b.count >= 20,
              let year = digits(0, 4), b[4] == UInt8(ascii: "-"),
              let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hour = digits(11, 2), b[13] == UInt8(ascii: ":"),
              let minute = digits(14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var micro: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if count < 6 { micro = micro * 10 + Int64(b[i] - 0x30) }
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 6)..<6 { micro *= 10 }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"),
                  let om = digits(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        return Timestamp(seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset,
                         microseconds: Int32(micro))
    }

    /// Appends the RFC 3339 text (as ``rfc3339`` or, with `micro`, ``rfc3339Micro``) to `out`
    /// without building a String.
    func appendRFC3339(to out: inout [UInt8], micro: Bool) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        let (y, m, d) = Self.civilFromDays(days)
        guard (0...9999).contains(y) else {
            out.append(contentsOf: format(micro: micro).utf8)
            return
        }
        func put(_ v: Int64, _ width: Int) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
            var v = v < 0 ? 0 : v
            withUnsafeMutableBytes(of: &digits) { buf in
                for k in stride(from: width - 1, through: 0, by: -1) {
                    buf[k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                out.append(contentsOf: buf[0..<width])
            }
        }
        put(y, 4)
        out.append(UInt8(ascii: "-"))
        put(m, 2)
        out.append(UInt8(ascii: "-"))
        put(d, 2)
        out.append(UInt8(ascii: "T"))
        put(secOfDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        put(secOfDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        put(secOfDay % 60, 2)
        if micro {
            out.append(UInt8(ascii: "."))
            put(Int64(microseconds), 6)
        }
        out.append(UInt8(ascii: "Z"))
    }

    private func format(micro: Bool) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        let (y, m, d) = Self.civilFromDays(days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secOfDay / 3600, 2)):\(pad(secOfDay / 60 % 60, 2)):\(pad(secOfDay % 60, 2))"
        if micro { text += "." + pad(Int64(microseconds), 6) }
        return text + "Z"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01.
    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
