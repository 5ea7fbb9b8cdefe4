import Checksum
import Raft
import Testing
@testable import WAL

/// Bit flips in a segment or a snapshot: damage before the tail is refused with file and offset; a flip in the
/// zero tail after the last record is cut like a torn write, with a copy kept.
@Suite struct CorruptionTests {
    let segmentPath = walDirectory + "/0000000000000001-0000000000000001.wal"

    /// Writes `count` batches into one segment and returns the disk and the start offset of every record.
    func writeBatches(_ count: Int, options: WALOptions = WALOptions(segmentSizeBytes: 64 * 1024)) throws
        -> (SimulatedDisk, [Int])
    {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        for batch in 0..<UInt64(count) {
            let entries = (1...3).map { Entry(term: 1, index: batch * 3 + $0, data: [UInt8](repeating: 7, count: 20)) }
            try wal.save(hardState: HardState(term: 1, vote: 1, commit: batch * 3), entries: entries)
        }
        wal.close()
        let bytes = try #require(disk.contents(atPath: segmentPath))
        var offsets: [Int] = []
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while case .record(_, _, let next) = RecordFraming.inspect(buffer, at: offset, sequence: 1) {
                offsets.append(offset)
                offset = next
            }
            offsets.append(offset)  // the end of the records
        }
        return (disk, offsets)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func flipBeforeTheTailIsRefusedWithFileAndOffset(seed: UInt64) throws {
        let (disk, offsets) = try writeBatches(10)
        var random = SeededRandom(seed: seed)
        // Any record but the last: the header record (0) included.
        let record = Int(random.next() % 10)
        let start = offsets[record]
        let length = offsets[record + 1] - start
        // Header, start of payload, or the last bytes of the frame (padding included).
        let byte = random.next() % 2 == 0
            ? start + Int(random.next() % UInt64(min(length, 12 + 70)))
            : start + length - 1 - Int(random.next() % 8)
        disk.flipBit(atPath: segmentPath, byteOffset: byte, bit: Int(random.next() % 8))
        do {
            _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
            Issue.record("seed \(seed): a flip at byte \(byte) of record \(record) went unnoticed")
        } catch {
            guard case .corruptRecord(let file, let offset, _) = error else {
                Issue.record("seed \(seed): unexpected error \(error)")
                return
            }
            #expect(file == segmentPath)
            #expect(offset == start, "seed \(seed): flip at \(byte) reported at \(offset), record starts at \(start)")
        }
    }

    @Test func flipInASealedSegmentIsRefusedEvenInItsLastRecord() throws {
        let options = WALOptions(segmentSizeBytes: 512)
        let (disk, offsets) = try writeBatches(12, options: options)
        let lastRecord = offsets[offsets.count - 2]
        disk.flipBit(atPath: segmentPath, byteOffset: lastRecord + 20)
        let reason = "checksum mismatch (stored 0x\(storedCRC(disk, lastRecord)), computed 0x\(computedCRC(disk, lastRecord)))"
        #expect(throws: WALError.corruptRecord(file: segmentPath, offset: lastRecord, reason: reason)) {
            _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        }
    }

    func storedCRC(_ disk: SimulatedDisk, _ offset: Int) -> String {
        let bytes = disk.contents(atPath: segmentPath) ?? []
        return bytes.withUnsafeBytes { String(RecordFraming.hex(loadUInt32($0, at: offset)).dropFirst(2)) }
    }

    func computedCRC(_ disk: SimulatedDisk, _ offset: Int) -> String {
        let bytes = disk.contents(atPath: segmentPath) ?? []
        return bytes.withUnsafeBytes { buffer in
            let length = Int(loadUInt32(buffer, at: offset + 4))
            let covered = UnsafeRawBufferPointer(rebasing: buffer[(offset + 4)..<(offset + 12 + length)])
            let seed = RecordFraming.positionSeed(sequence: 1, offset: offset)
            return String(RecordFraming.hex(CRC32C.checksum(covered, continuing: seed)).dropFirst(2))
        }
    }

    @Test(arguments: [0, 1, 100, 5000] as [Int])
    func flipInTheZeroTailIsCutWithACopy(distance: Int) throws {
        let (disk, offsets) = try writeBatches(5)
        let end = try #require(offsets.last)
        disk.flipBit(atPath: segmentPath, byteOffset: end + distance, bit: 3)
        let (wal, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered.entries.count == 15)
        let torn = try #require(recovered.tornTail)
        #expect(torn.offset == end)
        #expect(torn.byteCount == distance + 1)
        #expect(disk.contents(atPath: torn.copyPath)?.last == 8)
        #expect(disk.contents(atPath: segmentPath)?[end + distance] == 0)
        try wal.save(hardState: nil, entries: [Entry(term: 1, index: 16)])
        wal.close()
        let (_, again) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(again.tornTail == nil)
        #expect(again.entries.count == 16)
    }

    @Test func flipInTheLastRecordLooksLikeATornWriteAndIsCut() throws {
        // A damaged last record with nothing valid after it cannot be told from a torn write: it is cut.
        let (disk, offsets) = try writeBatches(5)
        let last = offsets[offsets.count - 2]
        disk.flipBit(atPath: segmentPath, byteOffset: last + 30)
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered.entries.count == 12)
        #expect(recovered.tornTail?.offset == last)
    }

    @Test func flipsInASnapshotAreReportedWithTheirSection() throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        try wal.save(hardState: HardState(term: 1, vote: 1, commit: 1), entries: [Entry(term: 1, index: 1)])
        let data = (0..<(SnapshotFile.chunkSize * 3 + 100)).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let snapshot = Snapshot(metadata: SnapshotMetadata(index: 1, term: 1, confState: ConfState(voters: [1, 2, 3])), data: data)
        try wal.saveSnapshot(snapshot)
        wal.close()
        let path = walDirectory + "/" + SnapshotName(index: 1, term: 1).fileName
        let (_, intact) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(intact.snapshot == snapshot)

        let metadataLength = 8 + 8 + 4 + 24 + 4 + 8 + 4
        let dataStart = 16 + metadataLength
        let cases: [(flip: Int, section: Int)] = [
            (20, 16),
            (dataStart + 5, dataStart),
            (dataStart + SnapshotFile.chunkSize + 4 + 1000, dataStart + SnapshotFile.chunkSize + 4),
            (dataStart + 3 * (SnapshotFile.chunkSize + 4) + 50, dataStart + 3 * (SnapshotFile.chunkSize + 4)),
        ]
        for (flip, section) in cases {
            let damaged = disk.copy()
            damaged.flipBit(atPath: path, byteOffset: flip)
            do {
                _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: damaged)
                Issue.record("a flip at \(flip) went unnoticed")
            } catch {
                guard case .corruptSnapshot(let file, let offset, _) = error else {
                    Issue.record("flip at \(flip): unexpected \(error)")
                    continue
                }
                #expect(file == path)
                #expect(offset == section, "flip at \(flip)")
            }
        }
    }

    @Test func missingSegmentInTheMiddleIsRefused() throws {
        let options = WALOptions(segmentSizeBytes: 512)
        let (disk, _) = try writeBatches(12, options: options)
        let names = try disk.contentsOfDirectory(atPath: walDirectory).filter { $0.hasSuffix(".wal") }
        #expect(names.count >= 3)
        try disk.removeFile(atPath: walDirectory + "/" + names[1])
        #expect(throws: WALError.missingSegment(afterSequence: 1, found: 3)) {
            _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        }
    }

    @Test func staleSegmentsLeftByAnInterruptedReleaseAreRemoved() throws {
        let disk = SimulatedDisk()
        let options = WALOptions(segmentSizeBytes: 512, retainedSnapshotCount: 1)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        for batch in 0..<UInt64(12) {
            let entries = (1...3).map { Entry(term: 1, index: batch * 3 + $0, data: [UInt8](repeating: 7, count: 20)) }
            try wal.save(hardState: HardState(term: 1, vote: 1, commit: batch * 3), entries: entries)
        }
        let first = try #require(disk.contents(atPath: segmentPath))
        try wal.saveSnapshot(Snapshot(metadata: SnapshotMetadata(index: 30, term: 1), data: [9]))
        #expect(!wal.segmentFileNames.contains("0000000000000001-0000000000000001.wal"))
        wal.close()
        // As if the removal of segment 1 was lost while a later one's was durable: resurrect segment 1.
        let resurrected = try disk.openFile(atPath: segmentPath, create: true)
        try resurrected.write(first, at: 0)
        try resurrected.sync()
        try disk.syncDirectory(atPath: walDirectory)
        let (reopened, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        #expect(recovered.snapshot?.metadata.index == 30)
        #expect(recovered.entries.map(\.index) == Array(31...36))
        #expect(disk.contents(atPath: segmentPath) == nil)
        #expect(reopened.segmentFileNames.first != "0000000000000001-0000000000000001.wal")
    }

    @Test func refusedRecoveryChangesNothing() throws {
        let (disk, offsets) = try writeBatches(5)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk,
                                              options: WALOptions(segmentSizeBytes: 64 * 1024))
        try wal.saveSnapshot(Snapshot(metadata: SnapshotMetadata(index: 10, term: 1), data: [1, 2, 3]))
        wal.close()
        let end = try #require(offsets.last) + 8 * 8  // past the snapshot marker record
        disk.flipBit(atPath: segmentPath, byteOffset: end + 100)
        let snapshotPath = walDirectory + "/" + SnapshotName(index: 10, term: 1).fileName
        disk.flipBit(atPath: snapshotPath, byteOffset: 20)
        let before = try disk.contentsOfDirectory(atPath: walDirectory)
        let segmentBefore = disk.contents(atPath: segmentPath)
        #expect(throws: WALError.corruptSnapshot(file: snapshotPath, offset: 16, reason: "metadata checksum mismatch")) {
            _ = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        }
        #expect(try disk.contentsOfDirectory(atPath: walDirectory) == before)
        #expect(disk.contents(atPath: segmentPath) == segmentBefore)
    }

    @Test func aRecordIsValidOnlyWhereItWasWritten() throws {
        // A torn write whose surviving bytes include a copy of a whole record (as an entry holding WAL bytes
        // could): the copy does not verify at its new offset, so this is still a torn tail, not corruption.
        let (disk, offsets) = try writeBatches(5)
        let end = try #require(offsets.last)
        let bytes = try #require(disk.contents(atPath: segmentPath))
        let copied = Array(bytes[offsets[2]..<offsets[3]])
        let file = try disk.openFile(atPath: segmentPath, create: false)
        try file.write([0xFF, 0xEE], at: end)
        try file.write(copied, at: end + 64)
        try file.sync()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered.tornTail?.offset == end)
        #expect(recovered.entries.count == 15)
    }
}
