import Raft
import Testing
@testable import WAL

/// Snapshots read back piece by piece (what a leader streams to a follower), and the piecewise write.
@Suite struct SnapshotReaderTests {
    func log(_ wal: WriteAheadLog, through last: UInt64) throws {
        let entries = (1...last).map { Entry(term: 1, index: $0, data: [UInt8(truncatingIfNeeded: $0)]) }
        try wal.save(hardState: HardState(term: 1, vote: 1, commit: last), entries: entries)
    }

    func image(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) } }

    @Test("any piece of a saved snapshot reads back exactly, across chunk boundaries",
          arguments: [0, 1, SnapshotFile.chunkSize - 1, SnapshotFile.chunkSize, 3 * SnapshotFile.chunkSize + 17])
    func piecesReadBack(size: Int) throws {
        let disk = SimulatedDisk()
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        try log(wal, through: 10)
        let data = image(size)
        let meta = SnapshotMetadata(index: 7, term: 1, confState: ConfState(voters: [1, 2, 3], learners: [4]))
        try wal.saveSnapshot(Snapshot(metadata: meta, data: data))
        let reader = try wal.openSnapshot(index: 7, term: 1)
        #expect(reader.metadata == meta)
        #expect(reader.dataCount == size)
        #expect(try reader.read(from: 0, maxBytes: size + 5) == data)
        // One-byte pieces re-verify a whole chunk per byte: only on small images.
        for piece in (size < 2000 ? [1] : []) + [1000, SnapshotFile.chunkSize - 3, SnapshotFile.chunkSize + 1] {
            var joined: [UInt8] = []
            while joined.count < size {
                let got = try reader.read(from: joined.count, maxBytes: piece)
                #expect(!got.isEmpty && got.count <= piece)
                joined += got
            }
            #expect(joined == data)
        }
        #expect(try reader.read(from: size, maxBytes: 10).isEmpty)
    }

    @Test("the piecewise write produces the same file image as encoding it whole")
    func piecewiseWriteMatchesEncode() throws {
        let disk = SimulatedDisk()
        try disk.createDirectory(atPath: "/s")
        let snapshot = Snapshot(metadata: SnapshotMetadata(index: 5, term: 2, confState: ConfState(voters: [1])),
                                data: image(5 * SnapshotFile.chunkSize + 99))
        let file = try disk.openFile(atPath: "/s/x", create: true)
        try SnapshotFile.write(snapshot, to: file, pieceBytes: 2 * SnapshotFile.chunkSize)
        #expect(try file.readAll() == SnapshotFile.encode(snapshot))
        #expect(try SnapshotFile.decode(file.readAll(), file: "x") == snapshot)
    }

    @Test("a snapshot the WAL no longer keeps is missing; a damaged chunk is reported, not returned")
    func missingAndDamaged() throws {
        let disk = SimulatedDisk()
        let options = WALOptions(retainedSnapshotCount: 1)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: options)
        try log(wal, through: 20)
        let data = image(2 * SnapshotFile.chunkSize)
        try wal.saveSnapshot(Snapshot(metadata: SnapshotMetadata(index: 5, term: 1), data: data))
        let early = try wal.openSnapshot(index: 5, term: 1)
        try wal.saveSnapshot(Snapshot(metadata: SnapshotMetadata(index: 10, term: 1), data: data))
        // Released by the newer snapshot: no longer offered, but a reader opened before still reads it.
        let path = joinPath(walDirectory, SnapshotName(index: 5, term: 1).fileName)
        #expect(throws: WALError.missingSnapshot(file: path)) { try wal.openSnapshot(index: 5, term: 1) }
        #expect(try early.read(from: 0, maxBytes: data.count) == data)

        let name = SnapshotName(index: 10, term: 1).fileName
        let reader = try wal.openSnapshot(index: 10, term: 1)
        let headerBytes = SnapshotFile.header(Snapshot(metadata: SnapshotMetadata(index: 10, term: 1), data: data)).count
        #expect(disk.flipBit(atPath: joinPath(walDirectory, name), byteOffset: headerBytes + SnapshotFile.chunkSize + 4 + 10))
        #expect(try reader.read(from: 0, maxBytes: 100) == Array(data[0..<100]))
        #expect(throws: WALError.self) { try reader.read(from: SnapshotFile.chunkSize + 5, maxBytes: 10) }
    }
}
