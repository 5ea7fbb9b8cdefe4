import TestSupport
import Testing
/// The fault scenarios of issue 7 (RELIABILITY.md §3), P0 first, then P1 in the order.
enum Scenario: String, CaseIterable, Sendable, CustomTestStringConvertible {
    // P0
    case noFaults = "no-faults"
    case killLeader = "kill-leader"
    case killFollower = "kill-follower"
    case killTwoThenAll = "kill-two-then-all"
    case crashPoints = "crash-points"
    case loseUnsyncedOne = "lose-unsynced-1"
    case loseUnsyncedThree = "lose-unsynced-3"
    case blackholeLeader = "blackhole-leader"
    case pauseLeader = "pause-leader"
    // P1
    case isolateFollowerSnapshot = "isolate-follower-snapshot"
    case crashDuringSnapshotInstall = "crash-snapshot-install"
    /// Two snapshots in quick succession while a follower catches up; it crashes during the second install.
    case twoQuickSnapshots = "two-quick-snapshots"
    case frameFaults = "frame-faults"
    case oneWayAndBridge = "one-way-and-bridge"
    case crashMidCompaction = "crash-mid-compaction"
    case slowWatchers = "slow-watchers"
    case walBitFlip = "wal-bit-flip"
    /// `wal-bit-flip`, then the corrupted member is removed, wiped, added back and re-joined; C4 over all three.
    case walBitFlipRejoin = "wal-bit-flip-rejoin"
    case fiveMembers = "five-members"
    case learnerPromote = "learner-promote"
    /// A new cluster started from one member's `/v3/maintenance/snapshot` taken under traffic.
    case restoreFromSnapshot = "restore-from-snapshot"
    // Regressions
    /// Forwarded proposals duplicated on the wire were applied twice (docs/reliability.md, "Findings" 1).
    case duplicateProposals = "duplicate-proposals"
    /// A member removed, wiped and added back under its name stopped itself on replaying its old removal (Findings 2).
    case removeWipeReadd = "remove-wipe-readd"

    var isP0: Bool {
        switch self {
        case .noFaults, .killLeader, .killFollower, .killTwoThenAll, .crashPoints, .loseUnsyncedOne, .loseUnsyncedThree,
             .blackholeLeader, .pauseLeader: true
        default: false
        }
    }

    var testDescription: String { rawValue }

    /// The scenarios a soak draws from.
    static let soakable: [Scenario] = allCases

    /// Every named crash point compiled into `tern` (WAL and replica).
    static let crashPointNames = [
        "before-wal-write", "before-wal-sync", "after-wal-sync", "before-snapshot-save", "after-snapshot-save",
        "before-release", "before-apply", "after-apply", "during-compaction",
    ]
}
