/// Ages as kubectl prints them (`45s`, `3m20s`, `25m`, `3h20m`, `20h`, `3d5h`, `45d`, `2y30d`):
/// more precision for young things, less for old ones.
public enum HumanDuration {
    public static func format(seconds: Int64) -> String {
        if seconds < 0 { return "<invalid>" }
        if seconds < 1 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 192 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        let days = hours / 24
        if days < 365 * 2 { return "\(days)d" }
        if days < 365 * 8 {
            let d = days % 365
            return d == 0 ? "\(days / 365)y" : "\(days / 365)y\(d)d"
        }
        return "\(days / 365)y"
    }
}
