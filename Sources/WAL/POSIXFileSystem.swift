#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The real ``FileSystem``: POSIX calls through Glibc (`pwrite`, `fdatasync`, `posix_fallocate`, `rename`, ...).
///
/// Stateless, so any thread may use it; each ``StorageFile`` it opens is owned by one thread at a time.
public struct POSIXFileSystem: FileSystem {
    /// Creates the POSIX file system.
    public init() {}

    /// Opens or creates a file (see ``FileSystem/openFile(atPath:create:)``).
    public func openFile(atPath path: String, create: Bool) throws(FileSystemError) -> any StorageFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0)
        let descriptor = Glibc.open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            if code == EEXIST { throw .alreadyExists(path: path) }
            throw .systemCall(operation: "open", path: path, errno: code)
        }
        return POSIXFile(descriptor: descriptor, path: path)
    }

    /// The sorted names in a directory (see ``FileSystem/contentsOfDirectory(atPath:)``).
    public func contentsOfDirectory(atPath path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .systemCall(operation: "opendir", path: path, errno: code)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Creates a directory and its missing parents (see ``FileSystem/createDirectory(atPath:)``).
    public func createDirectory(atPath path: String) throws(FileSystemError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .systemCall(operation: "mkdir", path: prefix, errno: errno)
            }
            prefix += "/"
        }
    }

    /// Renames a file atomically (see ``FileSystem/rename(from:to:)``).
    public func rename(from source: String, to destination: String) throws(FileSystemError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw .systemCall(operation: "rename", path: source + " -> " + destination, errno: errno)
        }
    }

    /// Removes a file (see ``FileSystem/removeFile(atPath:)``).
    public func removeFile(atPath path: String) throws(FileSystemError) {
        guard unlink(path) == 0 else {
            if errno == ENOENT { throw .notFound(path: path) }
            throw .systemCall(operation: "unlink", path: path, errno: errno)
        }
    }

    /// Makes a directory's entries durable (see ``FileSystem/syncDirectory(atPath:)``).
    public func syncDirectory(atPath path: String) throws(FileSystemError) {
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .systemCall(operation: "open", path: path, errno: errno) }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .systemCall(operation: "fsync", path: path, errno: errno) }
    }
}

extension POSIXFileSystem {
    /// Locks `<directory>/LOCK` with `flock(LOCK_EX | LOCK_NB)`; the descriptor stays open while the lock is held.
    public func lockDirectory(atPath path: String) throws(FileSystemError) -> any DirectoryLock {
        let lockPath = joinPath(path, "LOCK")
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .systemCall(operation: "open", path: lockPath, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            if code == EWOULDBLOCK { throw .locked(path: path) }
            throw .systemCall(operation: "flock", path: lockPath, errno: code)
        }
        return POSIXDirectoryLock(descriptor: descriptor)
    }
}

/// A held `flock`: closing the descriptor releases it.
final class POSIXDirectoryLock: DirectoryLock {
    private let descriptor: Mutex<Int32?>

    init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    func unlock() {
        descriptor.withLock { descriptor in
            if let open = descriptor { Glibc.close(open) }
            descriptor = nil
        }
    }

    deinit { unlock() }
}

/// A file descriptor opened by ``POSIXFileSystem``: immutable (descriptor and path), used by one thread at a time.
final class POSIXFile: StorageFile {
    let descriptor: Int32
    let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    func read(at offset: Int, count: Int) throws(FileSystemError) -> [UInt8] {
        if count <= 0 { return [] }
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = result.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .systemCall(operation: "pread", path: path, errno: errno)
            }
            if got == 0 { break }
            done += got
        }
        if done < count { result.removeLast(count - done) }
        return result
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw .systemCall(operation: "pwrite", path: path, errno: errno)
            }
            done += written
        }
    }

    func sync() throws(FileSystemError) {
        while fdatasync(descriptor) != 0 {
            if errno == EINTR { continue }
            throw .systemCall(operation: "fdatasync", path: path, errno: errno)
        }
    }

    func size() throws(FileSystemError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .systemCall(operation: "fstat", path: path, errno: errno) }
        return Int(status.st_size)
    }

    func truncate(to size: Int) throws(FileSystemError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            throw .systemCall(operation: "ftruncate", path: path, errno: errno)
        }
    }

    func preallocate(size: Int) throws(FileSystemError) {
        let current = try self.size()
        guard size > current else { return }
        let code = posix_fallocate(descriptor, 0, off_t(size))
        if code == 0 { return }
        // File systems without fallocate: extend with ftruncate (reads as zeros, space not reserved).
        if code == EOPNOTSUPP || code == EINVAL { try truncate(to: size); return }
        throw .systemCall(operation: "posix_fallocate", path: path, errno: code)
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
