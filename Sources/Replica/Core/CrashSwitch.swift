#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The crash points a fault test asked for through the environment, for WAL and replica points alike.
///
/// - `TERN_CRASH_AT=before-apply,after-wal-sync`: the points (names of ``WAL/CrashPoint`` and
///   ``ReplicaCrashPoint``); unknown names are ignored.
/// - `TERN_CRASH_AFTER=N`: act on the N-th time any listed point is reached (default 1), so a test can
///   pick a random instant instead of the first one (which is often during start-up).
/// - `TERN_CRASH_SLEEP_MS=M`: sleep M ms at that instant instead of exiting (a stall, not a crash).
///
/// Exiting is `_exit(137)`: no clean-up runs, the page cache stays with the OS, as after SIGKILL.
public final class CrashSwitch: Sendable {
    /// The point names that count.
    public let points: Set<String>
    /// Which hit acts (1 = the first).
    public let actOnHit: Int
    /// Sleep instead of exiting, in milliseconds (nil: exit).
    public let sleepMilliseconds: Int?
    private let hits = Atomic<Int>(0)
    private let beforeExit: @Sendable () -> Void

    /// A switch; `beforeExit` runs just before the process exits (a test file system tears its last write).
    public init(points: Set<String>, actOnHit: Int = 1, sleepMilliseconds: Int? = nil,
                beforeExit: @escaping @Sendable () -> Void = {}) {
        self.points = points
        self.actOnHit = max(1, actOnHit)
        self.sleepMilliseconds = sleepMilliseconds
        self.beforeExit = beforeExit
    }

    /// The switch the environment describes, or nil when `TERN_CRASH_AT` is unset or empty.
    public static func fromEnvironment(beforeExit: @escaping @Sendable () -> Void = {}) -> CrashSwitch? {
        guard let raw = getenv("TERN_CRASH_AT") else { return nil }
        let names = Set(String(cString: raw).split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty })
        if names.isEmpty { return nil }
        let after = getenv("TERN_CRASH_AFTER").flatMap { Int(String(cString: $0)) } ?? 1
        let sleep = getenv("TERN_CRASH_SLEEP_MS").flatMap { Int(String(cString: $0)) }
        return CrashSwitch(points: names, actOnHit: after, sleepMilliseconds: sleep, beforeExit: beforeExit)
    }

    /// Counts a hit of `point`; exits (or sleeps) on the chosen one. Returns false (never stops a WAL itself).
    @discardableResult
    public func reach(_ point: String) -> Bool {
        guard points.contains(point) else { return false }
        let n = hits.wrappingAdd(1, ordering: .relaxed).newValue
        guard n == actOnHit else { return false }
        if let ms = sleepMilliseconds {
            usleep(UInt32(min(ms, 60_000)) * 1000)
            return false
        }
        let line = "tern: crash point \(point) reached (hit \(n)); exiting with 137\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        beforeExit()
        _exit(137)
    }
}
