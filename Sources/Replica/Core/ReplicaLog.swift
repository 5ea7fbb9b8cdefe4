#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One line per event that matters (elections, leader changes, snapshots, recovery, slow fsyncs),
/// written to standard error with a level and the member's name.
public final class ReplicaLog: Sendable {
    /// Severity, lowest first.
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// Parses `debug`, `info`, `warning` or `error`.
        public init?(name: String) {
            switch name {
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }
    }

    public let name: String
    public let minimum: Level
    private let lock = Mutex(())

    public init(name: String, minimum: Level = .info) {
        self.name = name
        self.minimum = minimum
    }

    public func write(_ level: Level, _ text: @autoclosure () -> String) {
        guard level >= minimum else { return }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let seconds = Int(ts.tv_sec)
        let millis = Int(ts.tv_nsec / 1_000_000)
        var tm = tm()
        var t = time_t(seconds)
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let stamp = "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)).\(millis < 10 ? "00" : millis < 100 ? "0" : "")\(millis)"
        let line = "\(stamp) \(level) [\(name)] \(text())\n"
        lock.withLock { _ in
            var bytes = Array(line.utf8)
            _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        }
    }

    public func debug(_ text: @autoclosure () -> String) { write(.debug, text()) }
    public func info(_ text: @autoclosure () -> String) { write(.info, text()) }
    public func warning(_ text: @autoclosure () -> String) { write(.warning, text()) }
    public func error(_ text: @autoclosure () -> String) { write(.error, text()) }
}
