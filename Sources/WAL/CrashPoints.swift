#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A named instant in the WAL's write paths where fault tests can stop a member as if it died there.
public enum CrashPoint: String, Sendable, Equatable, CaseIterable {
    /// A batch is encoded and about to be written to the segment.
    case beforeWALWrite = "before-wal-write"
    /// A batch's bytes are written to the segment, not yet `fdatasync`ed.
    case beforeWALSync = "before-wal-sync"
    /// A batch is durable, `save` has not returned yet.
    case afterWALSync = "after-wal-sync"
    /// A snapshot is about to be written to its temporary file.
    case beforeSnapshotSave = "before-snapshot-save"
    /// The snapshot file is renamed into place and its directory synced; its WAL marker is not written yet.
    case afterSnapshotSave = "after-snapshot-save"
    /// A full segment is sealed and its successor is about to be created.
    case beforeSegmentCut = "before-segment-cut"
    /// Files covered by the newest snapshot are about to be removed.
    case beforeRelease = "before-release"
}

/// Decides, at each ``CrashPoint``, whether the WAL stops there.
///
/// Tests use ``stop(at:)``: the WAL throws ``WALError/crashed(at:)`` and refuses further writes, and the test
/// then crashes its ``SimulatedDisk``. A server uses ``fromEnvironment(_:)``: `TERN_CRASH_AT=before-wal-sync`
/// (a comma-separated list) makes the process `_exit(137)` at that point, leaving its page cache to the OS.
public struct CrashPoints: Sendable {
    /// What to do when the WAL reaches a point: `true` stops the WAL there.
    let decide: @Sendable (CrashPoint) -> Bool

    /// Creates crash points from a decision function called at every point.
    public init(_ decide: @escaping @Sendable (CrashPoint) -> Bool) {
        self.decide = decide
    }

    /// No crash points: the WAL never stops on its own.
    public static let none = CrashPoints { _ in false }

    /// Stops the WAL (it throws ``WALError/crashed(at:)``) the first time it reaches any of `points`; later
    /// passes (for example by a WAL reopened with the same options) go through.
    public static func stop(at points: CrashPoint...) -> CrashPoints {
        let set = Set(points.map(\.rawValue))
        let fired = Atomic<Bool>(false)
        return CrashPoints { point in
            set.contains(point.rawValue) && fired.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
        }
    }

    /// Crash points read from an environment variable: the process exits at once (`_exit(137)`) at each listed
    /// point. Unknown names are ignored; an unset variable gives ``none``.
    public static func fromEnvironment(_ variable: String = "TERN_CRASH_AT") -> CrashPoints {
        guard let raw = getenv(variable) else { return .none }
        let points = Set(parse(String(cString: raw)).map(\.rawValue))
        if points.isEmpty { return .none }
        return CrashPoints { point in
            if points.contains(point.rawValue) { _exit(137) }
            return false
        }
    }

    /// The crash points named in a comma-separated list such as `before-wal-sync, after-snapshot-save`, in
    /// ``CrashPoint/allCases`` order; unknown names are ignored.
    public static func parse(_ list: String) -> [CrashPoint] {
        let names = Set(list.split(separator: ",").map { $0.trimmingSpaces() })
        return CrashPoint.allCases.filter { names.contains($0.rawValue) }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
