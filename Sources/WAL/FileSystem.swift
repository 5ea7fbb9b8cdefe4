/// The seam through which the WAL does all its storage I/O: a real POSIX directory or a ``SimulatedDisk``.
///
/// Paths are plain strings joined with `/`. Durability follows POSIX: data written to a file is durable once
/// ``StorageFile/sync()`` returns; a name created, renamed or removed is durable once the directory holding it
/// has been synced with ``syncDirectory(atPath:)``.
public protocol FileSystem: Sendable {
    /// Opens an existing file for reading and writing, or creates it (failing if it exists) when `create` is true.
    func openFile(atPath path: String, create: Bool) throws(FileSystemError) -> any StorageFile
    /// The names (not paths) of the entries directly inside a directory, sorted.
    func contentsOfDirectory(atPath path: String) throws(FileSystemError) -> [String]
    /// Creates a directory (and missing parents); succeeds if it exists.
    func createDirectory(atPath path: String) throws(FileSystemError)
    /// Atomically renames a file, replacing any file at the destination.
    func rename(from source: String, to destination: String) throws(FileSystemError)
    /// Removes a file.
    func removeFile(atPath path: String) throws(FileSystemError)
    /// Makes the directory's entries (creations, renames, removals) durable: `fsync` on the directory.
    func syncDirectory(atPath path: String) throws(FileSystemError)
    /// Takes an exclusive lock on a directory (a `LOCK` file in it), so two WALs never share one directory;
    /// throws ``FileSystemError/locked(path:)`` if it is held. The lock ends with ``DirectoryLock/unlock()`` or
    /// with the process (a crash, for the simulated disk).
    func lockDirectory(atPath path: String) throws(FileSystemError) -> any DirectoryLock
}

/// An exclusive lock held on a directory; see ``FileSystem/lockDirectory(atPath:)``.
public protocol DirectoryLock: AnyObject, Sendable {
    /// Releases the lock; later calls do nothing.
    func unlock()
}

/// An open file of a ``FileSystem``: positional reads and writes, `fdatasync`, size changes.
///
/// - Warning: a file is used by one thread at a time (the WAL's owner); it is `Sendable` so it can be handed over.
public protocol StorageFile: AnyObject, Sendable {
    /// The path the file was opened at (for error messages).
    var path: String { get }
    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: Int, count: Int) throws(FileSystemError) -> [UInt8]
    /// Writes all of `bytes` at `offset` (a `pwrite` loop), growing the file if needed.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError)
    /// Makes every write and size change so far durable (`fdatasync`).
    func sync() throws(FileSystemError)
    /// The current size in bytes.
    func size() throws(FileSystemError) -> Int
    /// Cuts or extends (with zeros) the file to `size` bytes.
    func truncate(to size: Int) throws(FileSystemError)
    /// Reserves space so the file is at least `size` bytes long, reading as zeros past its old end.
    func preallocate(size: Int) throws(FileSystemError)
    /// Closes the file; further calls are invalid.
    func close()
}

extension StorageFile {
    /// Writes a byte array at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws(FileSystemError) {
        let result: Result<Void, FileSystemError> = bytes.withUnsafeBytes { buffer in
            do throws(FileSystemError) { try write(buffer, at: offset); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Reads the whole file.
    func readAll() throws(FileSystemError) -> [UInt8] {
        try read(at: 0, count: size())
    }
}

/// Joins a directory path and a file name.
func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
