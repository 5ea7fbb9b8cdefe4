import Checksum
import Testing
@testable import MVCC

@Suite("Snapshot, restore and hashKV")
struct SnapshotTests {
    /// A keyspace after a seeded mix of puts, deletes, leases and a compaction.
    static func populated(seed: UInt64, nodeSize: Int = 4) throws -> Keyspace {
        var generator = SeededGenerator(seed: seed)
        let keyspace = Keyspace(maxKeysPerNode: nodeSize)
        let lease = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 30), nowNanoseconds: 0)
        for step in 0..<300 {
            let key = "k\(Int.random(in: 0..<60, using: &generator))"
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: _ = try keyspace.deleteRange(DeleteRangeRequest(key: b(key)))
            case 1: try keyspace.put(key, "leased\(step)", lease: lease.id)
            default: try keyspace.put(key, "v\(step)")
            }
            if step == 150 { _ = try keyspace.compact(CompactionRequest(revision: keyspace.currentRevision - 40)) }
        }
        return keyspace
    }

    @Test("snapshot → restore gives the same hash and the same answers at every retained revision", arguments: [1 as UInt64, 2, 3])
    func roundTrip(seed: UInt64) throws {
        let original = try Self.populated(seed: seed)
        let frozen = original.frozen()
        let bytes = frozen.encodeSnapshot(metadata: [1, 2, 3])
        #expect(frozen.encodedSnapshotByteCount(metadata: [1, 2, 3]) == bytes.count, "the buffer is sized exactly")
        let (restored, metadata) = try KeyspaceState.decodeSnapshot(bytes, maxKeysPerNode: 7)
        #expect(metadata == [1, 2, 3])
        #expect(try restored.hashKV() == frozen.hashKV(), "seed \(seed)")
        #expect(restored.currentRevision == frozen.currentRevision && restored.compactRevision == frozen.compactRevision)
        #expect(restored.leases == frozen.leases)
        for revision in frozen.compactRevision...frozen.currentRevision {
            let request = RangeRequest(key: [0], rangeEnd: [0], revision: revision)
            #expect(try restored.range(request) == frozen.range(request), "seed \(seed) revision \(revision)")
            #expect(try restored.hashKV(revision: revision) == frozen.hashKV(revision: revision))
        }
        #expect(restored.history.count == frozen.history.count)
        #expect(restored.encodeSnapshot(metadata: [1, 2, 3]) == bytes, "encoding is deterministic")
    }

    @Test("writes after a frozen copy do not change the copy's snapshot")
    func frozenWhileWriting() throws {
        let keyspace = try Self.populated(seed: 9)
        let frozen = keyspace.frozen()
        let before = frozen.encodeSnapshot()
        for index in 0..<100 { try keyspace.put("k\(index)", "later") }
        #expect(frozen.encodeSnapshot() == before)
        #expect(try frozen.hashKV() != keyspace.frozen().hashKV())
    }

    @Test("hashKV differs when one value differs, and refuses bad revisions")
    func hashSensitivity() throws {
        let a = Keyspace()
        let c = Keyspace()
        try a.put("x", "1")
        try c.put("x", "2")
        #expect(try a.frozen().hashKV() != c.frozen().hashKV())
        #expect(throws: MVCCError.futureRevision(requested: 5, currentRevision: 2)) { try a.frozen().hashKV(revision: 5) }
    }

    @Test("corrupt, truncated or inconsistent snapshots are refused with a typed error")
    func badSnapshots() throws {
        let bytes = try Self.populated(seed: 4).frozen().encodeSnapshot()
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        #expect(throws: DecodeError.self) { try KeyspaceState.decodeSnapshot(flipped) }
        if case .checksumMismatch? = Self.error(flipped) {} else { Issue.record("expected checksum mismatch") }
        #expect(Self.error(Array(bytes.prefix(30))) != nil)
        #expect(Self.error([]) == .badMagic)
        var wrongVersion = bytes
        wrongVersion[8] = 9
        let bodyEnd = wrongVersion.count - 4
        let crc = CRC32C.checksum(Array(wrongVersion[0..<bodyEnd]))
        for index in 0..<4 { wrongVersion[bodyEnd + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        #expect(Self.error(wrongVersion) == .unsupportedVersion(9))
        // Every truncation fails cleanly (no crash).
        for length in stride(from: 0, to: bytes.count, by: Swift.max(1, bytes.count / 200)) {
            #expect(Self.error(Array(bytes.prefix(length))) != nil, "length \(length)")
        }
    }

    static func error(_ bytes: [UInt8]) -> DecodeError? {
        do {
            _ = try KeyspaceState.decodeSnapshot(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("watchers continue across a restore: resumable from last + 1, compacted ones cancelled")
    func watchersResumeAfterRestore() throws {
        let leader = Keyspace()
        let follower = Keyspace()
        for index in 0..<10 {
            try leader.put("w/\(index)", "a")
            try follower.put("w/\(index)", "a")
        }
        let watch = try follower.createWatcher(WatchCreateRequest(key: b("w/"), rangeEnd: b("w0")))
        let behind = try follower.createWatcher(WatchCreateRequest(key: b("w/"), rangeEnd: b("w0"), startRevision: 3))
        // The leader moves on and compacts; the follower installs its snapshot.
        for index in 0..<10 { try leader.put("w/\(index)", "b") }
        _ = try leader.compact(CompactionRequest(revision: 15))
        for index in 0..<3 { try leader.put("w/\(index)", "c") }
        let (state, _) = try KeyspaceState.decodeSnapshot(leader.frozen().encodeSnapshot())
        follower.restore(state)
        #expect(try follower.frozen().hashKV() == leader.frozen().hashKV())
        follower.syncUnsyncedWatchers()
        // `watch` had seen through revision 11 (created at 11); it resumes at 12, but 12...14 are
        // compacted in the restored state, so it is cancelled; `behind` (next 3) likewise.
        let batches = follower.drainAll(watch)
        #expect(batches.last?.kind == .canceled(compactRevision: 15))
        #expect(follower.drainAll(behind).last?.kind == .canceled(compactRevision: 15))
        // A watcher whose next revision is retained resumes exactly.
        let resumed = try follower.createWatcher(WatchCreateRequest(key: b("w/"), rangeEnd: b("w0"), startRevision: 20))
        let other = Keyspace()
        other.restore(state)
        follower.syncUnsyncedWatchers()
        #expect(follower.drainAll(resumed).flatMap(\.events).map(\.event.kv.modRevision) == [20, 21, 22, 23, 24])
        #expect(other.currentRevision == 24)
    }
}
