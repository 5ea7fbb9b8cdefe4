import Raft
import Testing
@testable import WAL

@Suite struct WALBasicTests {
    func entries(_ indexes: ClosedRange<UInt64>, term: UInt64 = 1, size: Int = 8) -> [Entry] {
        indexes.map { Entry(term: term, index: $0, data: [UInt8](repeating: UInt8(truncatingIfNeeded: $0), count: size)) }
    }

    @Test func freshDirectoryRecoversEmptyAndCreatesOneSegment() throws {
        let disk = SimulatedDisk()
        let (wal, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered == RecoveredState())
        #expect(wal.segmentFileNames == ["0000000000000001-0000000000000001.wal"])
        #expect(wal.lastIndex == 0)
    }

    @Test func savedBatchesSurviveACrashAndOneSyncPerBatch() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        let syncsBefore = disk.syncCount
        try wal.save(hardState: HardState(term: 1, vote: 2, commit: 0), entries: entries(1...100))
        try wal.save(hardState: HardState(term: 1, vote: 2, commit: 50), entries: [])
        #expect(disk.syncCount == syncsBefore + 2)
        disk.crashLosingUnsyncedWrites()
        let (reopened, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered == RecoveredState(hardState: HardState(term: 1, vote: 2, commit: 50), entries: entries(1...100)))
        #expect(reopened.lastIndex == 100)
    }

    @Test func conflictingEntriesReplaceTheLogFromTheirIndex() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        try wal.save(hardState: nil, entries: entries(1...10, term: 1))
        try wal.save(hardState: nil, entries: entries(6...7, term: 2))
        #expect(wal.lastIndex == 7)
        wal.close()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered.entries == entries(1...5, term: 1) + entries(6...7, term: 2))
    }

    @Test func invalidInputIsRejectedAndChangesNothing() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        try wal.save(hardState: nil, entries: entries(1...3))
        let operations = disk.operationCount
        #expect(throws: WALError.invalidEntries(reason: "entries start at 5, leaving a gap after the last index 3")) {
            try wal.save(hardState: nil, entries: entries(5...6))
        }
        #expect(throws: WALError.invalidEntries(reason: "entry 1 has index 9, expected 5")) {
            try wal.save(hardState: nil, entries: entries(4...4) + entries(9...9))
        }
        #expect(throws: WALError.invalidSnapshot(reason: "snapshot index 9 is beyond the last log index 3")) {
            try wal.saveSnapshot(Snapshot(metadata: SnapshotMetadata(index: 9, term: 1)))
        }
        #expect(disk.operationCount == operations)
        try wal.save(hardState: nil, entries: entries(4...4))
        #expect(wal.lastIndex == 4)
    }

    @Test(arguments: [.allocate, .zeroFill] as [WALOptions.Preallocation], [false, true])
    func batchesRollOverIntoNewSegmentsThatCarryTheState(preallocation: WALOptions.Preallocation, ahead: Bool) throws {
        let disk = SimulatedDisk()
        let options = WALOptions(segmentSizeBytes: 1024, preallocation: preallocation, prepareSegmentsAhead: ahead)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        try wal.save(hardState: HardState(term: 3, vote: 1, commit: 2), entries: [])
        for start in stride(from: 1 as UInt64, through: 200, by: 10) {
            try wal.save(hardState: nil, entries: entries(start...(start + 9), size: 40))
        }
        let big = entries(201...202, size: 3000)
        try wal.save(hardState: nil, entries: big)
        #expect(wal.segmentFileNames.count > 5)
        #expect(wal.segmentFileNames.last == "\(hex16(UInt64(wal.segmentFileNames.count)))-00000000000000c9.wal")
        wal.close()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        #expect(recovered.entries == entries(1...200, size: 40) + big)
        let temporaries = try disk.contentsOfDirectory(atPath: walDirectory).filter { $0.hasSuffix(".tmp") }
        // The reopened WAL may already be preparing its next segment (asynchronously); nothing else is left.
        #expect(temporaries.allSatisfy { ahead && $0 == "next.wal.tmp" })
        #expect(recovered.hardState == HardState(term: 3, vote: 1, commit: 2))
    }

    @Test func snapshotsReleaseCoveredSegmentsAndOldSnapshots() throws {
        let disk = SimulatedDisk()
        let options = WALOptions(segmentSizeBytes: 512, retainedSnapshotCount: 2)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        for start in stride(from: 1 as UInt64, through: 300, by: 10) {
            try wal.save(hardState: HardState(term: 1, vote: 1, commit: start + 9), entries: entries(start...(start + 9), size: 30))
        }
        let segmentsBefore = wal.segmentFileNames.count
        for index in [100, 200, 250] as [UInt64] {
            try wal.saveSnapshot(Snapshot(metadata: SnapshotMetadata(index: index, term: 1, confState: ConfState(voters: [1])),
                                          data: Array("state@\(index)".utf8)))
        }
        #expect(wal.snapshotFileNames == [SnapshotName(index: 200, term: 1).fileName, SnapshotName(index: 250, term: 1).fileName])
        #expect(wal.segmentFileNames.count < segmentsBefore)
        let firstKept = try #require(SegmentName(fileName: wal.segmentFileNames[0]))
        let secondKept = try #require(SegmentName(fileName: wal.segmentFileNames[1]))
        #expect(firstKept.firstIndex <= 201 && secondKept.firstIndex > 201)
        wal.close()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        #expect(recovered.snapshot?.metadata.index == 250)
        #expect(recovered.snapshot?.data == Array("state@250".utf8))
        #expect(recovered.entries == entries(251...300, size: 30))
        #expect(recovered.hardState.commit == 300)
    }

    @Test func installedSnapshotDiscardsTheOldLog() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        try wal.save(hardState: HardState(term: 1, vote: 1, commit: 5), entries: entries(1...10, term: 1))
        let snapshot = Snapshot(metadata: SnapshotMetadata(index: 8, term: 2, confState: ConfState(voters: [1, 2, 3])), data: [42])
        try wal.save(hardState: HardState(term: 2, vote: 0, commit: 8), entries: entries(9...9, term: 2), installing: snapshot)
        #expect(wal.lastIndex == 9)
        wal.close()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered == RecoveredState(snapshot: snapshot, hardState: HardState(term: 2, vote: 0, commit: 8),
                                            entries: entries(9...9, term: 2)))
    }

    @Test func crashPointStopsTheWALAndLeavesAPrefix() throws {
        let disk = SimulatedDisk()
        let options = WALOptions(crashPoints: .stop(at: .afterSnapshotSave))
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        try wal.save(hardState: HardState(term: 1, vote: 1, commit: 4), entries: entries(1...4))
        let snapshot = Snapshot(metadata: SnapshotMetadata(index: 3, term: 1), data: [1])
        #expect(throws: WALError.crashed(at: .afterSnapshotSave)) { try wal.saveSnapshot(snapshot) }
        #expect(throws: WALError.failed) { try wal.save(hardState: nil, entries: entries(5...5)) }
        disk.crashLosingUnsyncedWrites()
        // The snapshot file is durable but its marker is not: it is an orphan, removed at recovery.
        let (reopened, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered == RecoveredState(hardState: HardState(term: 1, vote: 1, commit: 4), entries: entries(1...4)))
        #expect(reopened.snapshotFileNames.isEmpty)
        #expect(try disk.contentsOfDirectory(atPath: walDirectory).allSatisfy { !$0.hasSuffix(".snap") })
    }

    @Test func stopCrashPointFiresOnce() throws {
        let disk = SimulatedDisk()
        let options = WALOptions(crashPoints: .stop(at: .afterWALSync))
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        #expect(throws: WALError.crashed(at: .afterWALSync)) { try wal.save(hardState: nil, entries: entries(1...1)) }
        wal.close()
        let (reopened, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        #expect(recovered.entries == entries(1...1))
        try reopened.save(hardState: nil, entries: entries(2...2))
        #expect(reopened.lastIndex == 2)
    }

    @Test func everyCrashPointHasAStableName() {
        #expect(CrashPoint(rawValue: "before-wal-sync") == .beforeWALSync)
        #expect(CrashPoints.parse(" after-snapshot-save,bogus, before-wal-sync ") == [.beforeWALSync, .afterSnapshotSave])
        #expect(CrashPoints.parse("").isEmpty)
        #expect(Set(CrashPoint.allCases.map(\.rawValue)).count == CrashPoint.allCases.count)
    }

    @Test func aDirectoryHasOneWALAtATime() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(throws: WALError.io(.locked(path: walDirectory))) {
            _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        }
        wal.close()
        let (second, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        disk.crashLosingUnsyncedWrites()  // its process died: the lock goes with it
        _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(throws: WALError.self) { try second.save(hardState: HardState(term: 1), entries: []) }  // its files are gone
    }

    @Test func closedWALRefusesWrites() throws {
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: SimulatedDisk())
        wal.close()
        #expect(throws: WALError.closed) { try wal.save(hardState: HardState(term: 1), entries: []) }
    }
}
