#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A test ``FileSystem`` over real files in which data written but not yet synced lives only in the
/// process's memory: a SIGKILL (or `_exit`) loses exactly what a power cut could lose.
///
/// `tern server` uses it when `TERN_TEST_FS=lose-unsynced` (or `lose-unsynced-tear`, which makes a crash
/// point write the first half of the newest unsynced write before exiting: a torn record).
/// Reads see the unsynced writes. Simplifications, on purpose: directory operations (create, rename,
/// remove) and preallocation reach the disk at once; a truncation first hands the file's pending writes
/// to the OS (unsynced data may survive a crash — allowed — but it is never lost after a truncate).
public struct LoseUnsyncedFileSystem: FileSystem {
    private let base = POSIXFileSystem()
    /// The newest unsynced write of any file, for ``tearNewestWrite()``.
    static let newest = Mutex<(file: LoseUnsyncedFile, offset: Int, bytes: [UInt8])?>(nil)

    /// Creates the file system.
    public init() {}

    /// Writes the first half of the newest unsynced write to its file (not synced: the OS keeps it after
    /// the process dies). Called just before a crash point exits.
    public static func tearNewestWrite() {
        guard let (file, offset, bytes) = newest.withLock({ $0 }), bytes.count > 1 else { return }
        let half = Array(bytes[..<(bytes.count / 2)])
        try? file.underlying.write(half, at: offset)
    }

    /// Opens or creates a real file wrapped so its writes stay in memory until synced.
    public func openFile(atPath path: String, create: Bool) throws(FileSystemError) -> any StorageFile {
        guard let file = try base.openFile(atPath: path, create: create) as? POSIXFile else {
            throw .systemCall(operation: "open", path: path, errno: EINVAL)
        }
        return LoseUnsyncedFile(underlying: file)
    }

    /// See ``FileSystem/contentsOfDirectory(atPath:)``.
    public func contentsOfDirectory(atPath path: String) throws(FileSystemError) -> [String] {
        try base.contentsOfDirectory(atPath: path)
    }

    /// See ``FileSystem/createDirectory(atPath:)``.
    public func createDirectory(atPath path: String) throws(FileSystemError) { try base.createDirectory(atPath: path) }

    /// See ``FileSystem/rename(from:to:)``.
    public func rename(from source: String, to destination: String) throws(FileSystemError) {
        try base.rename(from: source, to: destination)
    }

    /// See ``FileSystem/removeFile(atPath:)``.
    public func removeFile(atPath path: String) throws(FileSystemError) { try base.removeFile(atPath: path) }

    /// See ``FileSystem/syncDirectory(atPath:)``.
    public func syncDirectory(atPath path: String) throws(FileSystemError) { try base.syncDirectory(atPath: path) }

    /// See ``FileSystem/lockDirectory(atPath:)``.
    public func lockDirectory(atPath path: String) throws(FileSystemError) -> any DirectoryLock {
        try base.lockDirectory(atPath: path)
    }
}

/// A real file whose writes are kept in memory until ``sync()``.
/// - Warning: used by one thread at a time, like every ``StorageFile``; the pending list is behind a
///   `Mutex` only because ``LoseUnsyncedFileSystem/tearNewestWrite()`` may run on another thread.
final class LoseUnsyncedFile: StorageFile {
    let underlying: POSIXFile
    private let pending = Mutex<[(offset: Int, bytes: [UInt8])]>([])

    init(underlying: POSIXFile) { self.underlying = underlying }

    var path: String { underlying.path }

    func read(at offset: Int, count: Int) throws(FileSystemError) -> [UInt8] {
        let logical = try size()
        let wanted = max(0, min(count, logical - offset))
        if wanted == 0 { return [] }
        var result = try underlying.read(at: offset, count: wanted)
        if result.count < wanted { result += [UInt8](repeating: 0, count: wanted - result.count) }
        for write in pending.withLock({ $0 }) {
            let start = max(offset, write.offset)
            let end = min(offset + wanted, write.offset + write.bytes.count)
            if start < end {
                for i in start..<end { result[i - offset] = write.bytes[i - write.offset] }
            }
        }
        return result
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        let copy = Array(bytes)
        pending.withLock { $0.append((offset, copy)) }
        LoseUnsyncedFileSystem.newest.withLock { $0 = (self, offset, copy) }
    }

    /// Hands the pending writes to the OS (without syncing them).
    private func flushPending() throws(FileSystemError) {
        let writes = pending.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for write in writes { try underlying.write(write.bytes, at: write.offset) }
        LoseUnsyncedFileSystem.newest.withLock { newest in
            if newest?.file === self { newest = nil }
        }
    }

    func sync() throws(FileSystemError) {
        try flushPending()
        try underlying.sync()
    }

    func size() throws(FileSystemError) -> Int {
        let real = try underlying.size()
        return pending.withLock { list in list.reduce(real) { max($0, $1.offset + $1.bytes.count) } }
    }

    func truncate(to size: Int) throws(FileSystemError) {
        try flushPending()
        try underlying.truncate(to: size)
    }

    func preallocate(size: Int) throws(FileSystemError) {
        try underlying.preallocate(size: size)
    }

    func close() {
        // Closing hands pending writes to the OS (they survive the process, not a power cut).
        try? flushPending()
        underlying.close()
    }
}
