import Dispatch
import Synchronization
import Raft
import Testing
import TestSupport
@testable import WAL

/// A file system whose files named `*.local.tmp` (a local snapshot's image) stop at their first
/// write until ``open()``: the test holds a snapshot save in the middle of writing its image.
final class GatedFileSystem: FileSystem, @unchecked Sendable {
    // @unchecked Sendable: the semaphores are thread-safe; `base` is used as the WAL would.
    let base: SimulatedDisk
    private let gate = DispatchSemaphore(value: 0)
    /// Signalled when a gated write has started.
    let reached = DispatchSemaphore(value: 0)

    init(_ base: SimulatedDisk) { self.base = base }

    /// Lets the held write (and every later one) through.
    func open() { gate.signal() }

    final class GatedFile: StorageFile, @unchecked Sendable {
        let file: any StorageFile
        let owner: GatedFileSystem
        private var waited = false
        init(_ file: any StorageFile, _ owner: GatedFileSystem) { self.file = file; self.owner = owner }
        var path: String { file.path }
        func read(at offset: Int, count: Int) throws(FileSystemError) -> [UInt8] { try file.read(at: offset, count: count) }
        func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
            if !waited {
                waited = true
                owner.reached.signal()
                owner.gate.wait()
                owner.gate.signal()
            }
            try file.write(bytes, at: offset)
        }
        func sync() throws(FileSystemError) { try file.sync() }
        func size() throws(FileSystemError) -> Int { try file.size() }
        func truncate(to size: Int) throws(FileSystemError) { try file.truncate(to: size) }
        func preallocate(size: Int) throws(FileSystemError) { try file.preallocate(size: size) }
        func close() { file.close() }
    }

    func openFile(atPath path: String, create: Bool) throws(FileSystemError) -> any StorageFile {
        let file = try base.openFile(atPath: path, create: create)
        return path.hasSuffix(".local.tmp") ? GatedFile(file, self) : file
    }
    func contentsOfDirectory(atPath path: String) throws(FileSystemError) -> [String] { try base.contentsOfDirectory(atPath: path) }
    func createDirectory(atPath path: String) throws(FileSystemError) { try base.createDirectory(atPath: path) }
    func rename(from source: String, to destination: String) throws(FileSystemError) { try base.rename(from: source, to: destination) }
    func removeFile(atPath path: String) throws(FileSystemError) { try base.removeFile(atPath: path) }
    func syncDirectory(atPath path: String) throws(FileSystemError) { try base.syncDirectory(atPath: path) }
    func lockDirectory(atPath path: String) throws(FileSystemError) -> any DirectoryLock { try base.lockDirectory(atPath: path) }
}

/// A local snapshot's image is written without the WAL's lock (it can be hundreds of MB, and the
/// member's appends must not wait for it); what happens around it stays exact.
@Suite("WAL: local snapshot saves beside appends", .serialized, .timeLimit(.minutes(1)))
struct SnapshotSaveConcurrencyTests {
    func entries(_ indexes: ClosedRange<UInt64>, term: UInt64 = 1) -> [Entry] {
        indexes.map { Entry(term: term, index: $0, data: [UInt8](repeating: UInt8($0 & 0xff), count: 8)) }
    }

    /// A WAL on a gated simulated disk holding entries 1...5 (commit 5).
    func openWithFiveEntries() throws -> (SimulatedDisk, GatedFileSystem, WriteAheadLog) {
        let disk = SimulatedDisk()
        let fs = GatedFileSystem(disk)
        let (wal, _) = try WriteAheadLog.open(directory: walDirectory, fileSystem: fs)
        try wal.save(hardState: HardState(term: 1, vote: 1, commit: 5), entries: entries(1...5))
        return (disk, fs, wal)
    }

    @Test("appends and their syncs go on while a local snapshot's image is being written; both survive recovery")
    func appendsGoOnDuringTheImageWrite() throws {
        let (disk, fs, wal) = try openWithFiveEntries()
        let snapshot = Snapshot(metadata: SnapshotMetadata(index: 4, term: 1, confState: ConfState(voters: [1])), data: [7, 7, 7])
        let saved = DispatchSemaphore(value: 0)
        let saver = try TestThread {
            _ = try? wal.saveSnapshot(snapshot)
            saved.signal()
        }
        #expect(fs.reached.wait(timeout: .now() + 10) == .success, "the image write started")
        // The image write is held: an append must still complete (it would wait forever under the lock).
        let appended = DispatchSemaphore(value: 0)
        let more = entries(6...8)
        let appender = try TestThread {
            _ = try? wal.save(hardState: HardState(term: 1, vote: 1, commit: 8), entries: more)
            appended.signal()
        }
        let appendedInTime = appended.wait(timeout: .now() + 10) == .success
        fs.open()
        #expect(appendedInTime, "an append waited for the snapshot image")
        #expect(saved.wait(timeout: .now() + 10) == .success)
        saver.join()
        appender.join()
        #expect(wal.snapshotFileNames.count == 1)
        wal.close()
        disk.crashLosingUnsyncedWrites()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered == RecoveredState(snapshot: snapshot, hardState: HardState(term: 1, vote: 1, commit: 8),
                                            entries: entries(5...8)))
    }

    @Test("a local snapshot overtaken by an installed one while its image was written is dropped, its temporary file removed")
    func overtakenSaveIsDropped() throws {
        let (disk, fs, wal) = try openWithFiveEntries()
        let local = Snapshot(metadata: SnapshotMetadata(index: 3, term: 1, confState: ConfState(voters: [1])), data: [3])
        let outcome = Mutex<WALError?>(nil)
        let saved = DispatchSemaphore(value: 0)
        let saver = try TestThread {
            do throws(WALError) { try wal.saveSnapshot(local) } catch { outcome.withLock { $0 = error } }
            saved.signal()
        }
        #expect(fs.reached.wait(timeout: .now() + 10) == .success)
        let installed = Snapshot(metadata: SnapshotMetadata(index: 20, term: 2, confState: ConfState(voters: [1])), data: [20])
        try wal.save(hardState: HardState(term: 2, vote: 0, commit: 20), entries: [], installing: installed)
        fs.open()
        #expect(saved.wait(timeout: .now() + 10) == .success)
        saver.join()
        let error = outcome.withLock { $0 }
        guard case .invalidSnapshot? = error else {
            Issue.record("expected invalidSnapshot, got \(String(describing: error))")
            return
        }
        #expect(try disk.contentsOfDirectory(atPath: walDirectory).allSatisfy { !$0.hasSuffix(".tmp") })
        #expect(try wal.save(hardState: nil, entries: entries(21...21, term: 2)) == (), "the WAL is not failed")
        wal.close()
        let (_, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk)
        #expect(recovered.snapshot == installed)
        #expect(recovered.entries == entries(21...21, term: 2))
    }
}
