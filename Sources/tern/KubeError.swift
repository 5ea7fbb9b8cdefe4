/// Why a `tern get|apply|...` command failed; ``exitStatus`` is what the process exits with.
enum KubeError: Error, Equatable, CustomStringConvertible {
    /// Bad arguments: printed with the usage text, exit 2.
    case usage(String)
    /// The server answered with a `Status` (or a non-JSON error body).
    case server(code: Int, reason: String, message: String)
    /// No member answered at any of the addresses tried.
    case unreachable(addresses: [String], reason: String)
    /// A manifest could not be read or parsed.
    case manifest(source: String, reason: String)
    /// A client-side refusal, printed as `error: ...` (e.g. label without `--overwrite`).
    case refused(String)

    /// 2 for usage errors, 1 for every other failure.
    var exitStatus: Int32 {
        if case .usage = self { return 2 }
        return 1
    }

    /// The line kubectl would print for this error.
    var description: String {
        switch self {
        case .usage(let text):
            return "error: \(text)"
        case .server(401, _, _):
            return "error: You must be logged in to the server (Unauthorized)"
        case .server(_, let reason, let message):
            return reason.isEmpty ? "Error from server: \(message)" : "Error from server (\(reason)): \(message)"
        case .unreachable(let addresses, let reason):
            return "error: the Kubernetes API did not answer at \(addresses.joined(separator: ", ")): \(reason)"
        case .manifest(let source, let reason):
            return "error: \(source): \(reason)"
        case .refused(let text):
            return "error: \(text)"
        }
    }
}
