#if canImport(Glibc)
import Glibc
#endif
import Raft
import Testing
@testable import WAL

/// The WAL on the real file system, in a private directory under /tmp.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct POSIXFileSystemTests {
    func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/tern-wal-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let directory = try #require(created.map { String(cString: $0) })
        defer {
            let fileSystem = POSIXFileSystem()
            for sub in [directory + "/wal", directory] {
                for name in (try? fileSystem.contentsOfDirectory(atPath: sub)) ?? [] { unlink(sub + "/" + name) }
                rmdir(sub)
            }
        }
        try body(directory)
    }

    @Test func saveSnapshotAndRecoverOnDisk() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/wal"
            let options = WALOptions(segmentSizeBytes: 4096, retainedSnapshotCount: 1, prepareSegmentsAhead: true)
            let (wal, fresh) = try WriteAheadLog.open(directory: directory, options: options)
            #expect(fresh == RecoveredState())
            let entries = (1...200 as ClosedRange<UInt64>).map { Entry(term: 2, index: $0, data: [UInt8](repeating: UInt8($0 & 0xFF), count: 100)) }
            for chunk in stride(from: 0, to: 200, by: 20) {
                try wal.save(hardState: HardState(term: 2, vote: 3, commit: UInt64(chunk)), entries: Array(entries[chunk..<(chunk + 20)]))
            }
            let snapshot = Snapshot(metadata: SnapshotMetadata(index: 150, term: 2, confState: ConfState(voters: [1, 2, 3])), data: [1, 2, 3])
            try wal.saveSnapshot(snapshot)
            #expect(wal.segmentFileNames.count >= 2)
            wal.close()
            let (reopened, recovered) = try WriteAheadLog.open(directory: directory, options: options)
            #expect(recovered.snapshot == snapshot)
            #expect(recovered.entries == Array(entries[150...]))
            #expect(recovered.hardState == HardState(term: 2, vote: 3, commit: 180))
            #expect(try #require(SegmentName(fileName: reopened.segmentFileNames[0])).firstIndex <= 151)
            reopened.close()
        }
    }

    @Test func directoryLockIsExclusive() throws {
        try withTemporaryDirectory { root in
            let fileSystem = POSIXFileSystem()
            let lock = try fileSystem.lockDirectory(atPath: root)
            #expect(throws: FileSystemError.locked(path: root)) { _ = try fileSystem.lockDirectory(atPath: root) }
            lock.unlock()
            try fileSystem.lockDirectory(atPath: root).unlock()
        }
    }

    @Test func fileOperationsReportTypedErrors() throws {
        try withTemporaryDirectory { root in
            let fileSystem = POSIXFileSystem()
            #expect(throws: FileSystemError.notFound(path: root + "/missing")) {
                _ = try fileSystem.openFile(atPath: root + "/missing", create: false)
            }
            let file = try fileSystem.openFile(atPath: root + "/f", create: true)
            defer { file.close() }
            #expect(throws: FileSystemError.alreadyExists(path: root + "/f")) {
                _ = try fileSystem.openFile(atPath: root + "/f", create: true)
            }
            try file.preallocate(size: 8192)
            try file.write([1, 2, 3], at: 10)
            try file.sync()
            #expect(try file.size() == 8192)
            #expect(try file.read(at: 9, count: 5) == [0, 1, 2, 3, 0])
            try file.truncate(to: 12)
            #expect(try file.readAll() == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2])
            #expect(try fileSystem.contentsOfDirectory(atPath: root).filter { $0 != "LOCK" } == ["f"])
        }
    }
}
