import Synchronization

/// A named instant in the replica's apply and snapshot paths where fault tests stop a member as if it
/// died there (the WAL's own points are ``WAL/CrashPoint``).
public enum ReplicaCrashPoint: String, Sendable, CaseIterable {
    /// A committed entry is decoded and about to change the keyspace.
    case beforeApply = "before-apply"
    /// A committed entry changed the keyspace; its client has not been answered yet.
    case afterApply = "after-apply"
    /// A snapshot from the leader is about to be written to the WAL and installed.
    case beforeSnapshotInstall = "before-snapshot-install"
    /// A snapshot from the leader is durable and installed in the keyspace.
    case afterSnapshotInstall = "after-snapshot-install"
    /// A committed compaction is about to be applied to the keyspace.
    case duringCompaction = "during-compaction"
}

/// The process-wide switch the replica consults at each ``ReplicaCrashPoint``.
///
/// Off unless a server installs a handler (see ``install(_:)``): the fast path is one relaxed atomic load.
public enum CrashHooks {
    private static let enabled = Atomic<Bool>(false)
    private static let handler = Mutex<(@Sendable (String) -> Void)?>(nil)

    /// Installs the function called with the point's name at every crash point (it may exit the process).
    public static func install(_ handle: @escaping @Sendable (String) -> Void) {
        handler.withLock { $0 = handle }
        enabled.store(true, ordering: .releasing)
    }

    /// Called by the replica at a crash point.
    static func reach(_ point: ReplicaCrashPoint) {
        guard enabled.load(ordering: .acquiring) else { return }
        let handle = handler.withLock { $0 }
        handle?(point.rawValue)
    }
}
