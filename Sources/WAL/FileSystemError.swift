/// A failure of one storage operation, as reported by a ``FileSystem``.
public enum FileSystemError: Error, Equatable, Sendable {
    /// A system call failed: which call, on which path, and the `errno` it set.
    case systemCall(operation: String, path: String, errno: Int32)
    /// The path does not exist.
    case notFound(path: String)
    /// The path already exists where a new file was asked for.
    case alreadyExists(path: String)
    /// Another holder (another WAL, perhaps in another process) has the directory locked.
    case locked(path: String)
    /// The simulated disk is down (its operation budget ran out): nothing more happens until `crash()`.
    case simulatedCrash(path: String)
}
