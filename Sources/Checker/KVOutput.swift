/// A definite failure the KV API reports for a request that changed nothing.
public enum KVFailure: String, Hashable, Sendable, CaseIterable {
    /// The lease named by a put, grant or revoke does not exist (or already exists, for grant).
    case leaseNotFound
    /// A lease with that ID already exists.
    case leaseExists
    /// A transaction writes the same key twice.
    case duplicateKey
}

/// A response of the KV API, each carrying the header revision.
public enum KVOutput: Hashable, Sendable, CustomStringConvertible {
    /// The record of the key, or nil when it does not exist.
    case get(revision: Int64, kv: KeyValue?)
    /// The records under the prefix, in key order.
    case range(revision: Int64, kvs: [KeyValue])
    /// The new revision; `prev` is the previous record when the request asked for it.
    case put(revision: Int64, prev: KeyValue?)
    /// How many keys were deleted and the header revision.
    case delete(revision: Int64, deleted: Int64)
    /// Which branch ran and the header revision.
    case txn(revision: Int64, succeeded: Bool)
    /// The header revision of a lease grant.
    case leaseGrant(revision: Int64)
    /// The header revision of a lease revoke.
    case leaseRevoke(revision: Int64)
    /// A definite error: the request changed nothing.
    case failed(KVFailure)

    /// The header revision, nil for a failure.
    public var revision: Int64? {
        switch self {
        case .get(let revision, _), .range(let revision, _), .put(let revision, _), .delete(let revision, _),
             .txn(let revision, _), .leaseGrant(let revision), .leaseRevoke(let revision):
            revision
        case .failed: nil
        }
    }

    /// A compact rendering for reports.
    public var description: String {
        switch self {
        case .get(let revision, let kv): "rev=\(revision) " + (kv.map { "\($0)" } ?? "(absent)")
        case .range(let revision, let kvs): "rev=\(revision) [\(kvs.map(\.description).joined(separator: ", "))]"
        case .put(let revision, let prev): "rev=\(revision)" + (prev.map { " prev=\($0)" } ?? "")
        case .delete(let revision, let deleted): "rev=\(revision) deleted=\(deleted)"
        case .txn(let revision, let succeeded): "rev=\(revision) \(succeeded ? "succeeded" : "failed")"
        case .leaseGrant(let revision), .leaseRevoke(let revision): "rev=\(revision)"
        case .failed(let failure): "error \(failure.rawValue)"
        }
    }
}
