/// One comparison of a transaction (all of a transaction's comparisons must hold for its success branch).
public enum TxnCompare: Hashable, Sendable, CustomStringConvertible {
    /// The key exists and holds exactly this value.
    case valueEquals(key: String, value: String)
    /// The key's mod_revision equals this (0 for a missing key).
    case modRevisionEquals(key: String, revision: Int64)
    /// The key's version equals this (0 for a missing key).
    case versionEquals(key: String, version: Int64)

    /// The key the comparison reads.
    public var key: String {
        switch self {
        case .valueEquals(let key, _), .modRevisionEquals(let key, _), .versionEquals(let key, _): key
        }
    }

    /// A compact rendering for reports.
    public var description: String {
        switch self {
        case .valueEquals(let key, let value): "value(\(key))==\(quoted(value))"
        case .modRevisionEquals(let key, let revision): "mod(\(key))==\(revision)"
        case .versionEquals(let key, let version): "version(\(key))==\(version)"
        }
    }
}

/// One write in a branch of a transaction.
public enum TxnWrite: Hashable, Sendable, CustomStringConvertible {
    /// Put a value, optionally attached to a lease (0 for none).
    case put(key: String, value: String, lease: Int64)
    /// Delete one key.
    case delete(key: String)

    /// The key written.
    public var key: String {
        switch self {
        case .put(let key, _, _), .delete(let key): key
        }
    }

    /// A compact rendering for reports.
    public var description: String {
        switch self {
        case .put(let key, let value, let lease): lease == 0 ? "put \(key)=\(quoted(value))" : "put \(key)=\(quoted(value)) lease=\(lease)"
        case .delete(let key): "delete \(key)"
        }
    }
}

/// A request to the KV API, as far as the checker needs it.
public enum KVInput: Hashable, Sendable, CustomStringConvertible {
    /// Linearizable read of one key.
    case get(key: String)
    /// Linearizable read of every key starting with `prefix`, in key order.
    case range(prefix: String)
    /// Put a value; `lease` 0 for none; `prevKV` asks for the previous record.
    case put(key: String, value: String, lease: Int64, prevKV: Bool)
    /// Delete one key, or every key starting with `key` when `prefix` is true.
    case delete(key: String, prefix: Bool)
    /// A transaction: if every comparison holds run `success`, else `failure`.
    case txn(compares: [TxnCompare], success: [TxnWrite], failure: [TxnWrite])
    /// Grant a lease with a client-chosen ID.
    case leaseGrant(id: Int64)
    /// Revoke a lease, deleting its keys at one revision.
    case leaseRevoke(id: Int64)

    /// True when the request can change the keyspace or the lease set.
    public var isWrite: Bool {
        switch self {
        case .get, .range: false
        default: true
        }
    }

    /// A compact rendering for reports.
    public var description: String {
        switch self {
        case .get(let key): "get \(key)"
        case .range(let prefix): "range \(prefix)*"
        case .put(let key, let value, let lease, let prevKV):
            "put \(key)=\(quoted(value))" + (lease == 0 ? "" : " lease=\(lease)") + (prevKV ? " prev_kv" : "")
        case .delete(let key, let prefix): prefix ? "delete \(key)*" : "delete \(key)"
        case .txn(let compares, let success, let failure):
            "txn if [\(compares.map(\.description).joined(separator: ", "))] then [\(success.map(\.description).joined(separator: "; "))] else [\(failure.map(\.description).joined(separator: "; "))]"
        case .leaseGrant(let id): "lease grant \(id)"
        case .leaseRevoke(let id): "lease revoke \(id)"
        }
    }
}
