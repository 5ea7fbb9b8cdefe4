/// Errors of the keyspace; every one leaves the keyspace unchanged. Messages mirror etcd's.
public enum MVCCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request named no key ("etcdserver: key is not provided").
    case emptyKey
    /// `rangeEnd` is non-empty, not `\0`, and not greater than `key`.
    case invalidRange(key: [UInt8], rangeEnd: [UInt8])
    /// The revision asked for is below the compact revision.
    case compacted(requested: Int64, compactRevision: Int64)
    /// The revision asked for is above the current revision.
    case futureRevision(requested: Int64, currentRevision: Int64)
    /// A Put or attach named a lease that does not exist.
    case leaseNotFound(Int64)
    /// LeaseGrant with an ID already in use.
    case leaseExists(Int64)
    /// LeaseGrant with a TTL above ``Keyspace/maxLeaseTTLSeconds``.
    case leaseTTLTooLarge(Int64)
    /// Put with `ignoreValue` on a key that does not exist ("etcdserver: key not found").
    case keyNotFound([UInt8])
    /// Put with `ignoreValue` and a non-empty value.
    case valueProvided
    /// Put with `ignoreLease` and a non-zero lease.
    case leaseProvided
    /// A Txn writes one key twice (two Puts, or a Put inside a deleted range).
    case duplicateKeyInTxn([UInt8])
    /// A Txn branch or compare list is longer than allowed.
    case tooManyTxnOperations(count: Int, limit: Int)
    /// A watcher handle that is unknown (never created or already removed).
    case unknownWatcher(Int)

    public var description: String {
        switch self {
        case .emptyKey: return "etcdserver: key is not provided"
        case .invalidRange: return "etcdserver: range end must be greater than key"
        case .compacted: return "etcdserver: mvcc: required revision has been compacted"
        case .futureRevision: return "etcdserver: mvcc: required revision is a future revision"
        case .leaseNotFound: return "etcdserver: requested lease not found"
        case .leaseExists: return "etcdserver: lease already exists"
        case .leaseTTLTooLarge: return "etcdserver: too large lease TTL"
        case .keyNotFound: return "etcdserver: key not found"
        case .valueProvided: return "etcdserver: value is provided"
        case .leaseProvided: return "etcdserver: lease is provided"
        case .duplicateKeyInTxn: return "etcdserver: duplicate key given in txn request"
        case .tooManyTxnOperations: return "etcdserver: too many operations in txn request"
        case .unknownWatcher(let handle): return "mvcc: unknown watcher \(handle)"
        }
    }
}
