#if canImport(Glibc)
import Glibc
#endif

/// Errors of the Wire module's socket and event-loop layer.
public enum WireError: Error, Equatable, Sendable {
    /// A system call failed; `operation` names it, `errno` is the code.
    case system(operation: String, errno: Int32)
    /// An address string could not be parsed as `host:port` (IPv4).
    case invalidAddress(String)
    /// A blocking operation did not complete within its timeout.
    case timedOut(operation: String)
    /// The peer closed the connection before the operation completed.
    case connectionClosed
    /// The peer sent bytes that do not follow the protocol.
    case protocolViolation(String)
    /// The object was already shut down.
    case shutDown

    static func lastErrno(_ operation: String) -> WireError {
        .system(operation: operation, errno: errno)
    }
}
