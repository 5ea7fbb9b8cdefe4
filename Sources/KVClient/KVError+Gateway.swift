extension KVError {
    /// The gRPC code etcd answers "no leader", "timed out" and "stopping" with (Unavailable).
    static let unavailableCode = 14

    /// Maps an etcd v3 gateway error (HTTP status, gRPC code, message) to a `KVError`, the same way
    /// for the HTTP client and the in-process one: compacted (with `compactRevision`, which the
    /// gateway's message does not carry) and future revision, lease not found, Unavailable (no
    /// leader, timeout, stopping) → `.unavailable`, anything else → `.invalidRequest`.
    public static func fromGateway(httpStatus: Int, grpcCode: Int, message: String, compactRevision: Int64 = 0) -> KVError {
        if grpcCode == 11 && message.hasSuffix("required revision has been compacted") {
            return .compacted(compactRevision: compactRevision)
        }
        if grpcCode == 11 && message.hasSuffix("required revision is a future revision") { return .futureRevision }
        if grpcCode == 5 && message.hasSuffix("requested lease not found") { return .leaseNotFound }
        if grpcCode == unavailableCode || httpStatus == 503 { return .unavailable(message) }
        return .invalidRequest(message)
    }

    /// Whether this is the compacted error (its revision may still need to be looked up).
    public var isCompacted: Bool {
        if case .compacted = self { return true }
        return false
    }
}
