/// The sequential specification of etcd's KV API with revisions (RELIABILITY.md section 1).
///
/// Revision rules: an empty store is at revision 1; every put bumps it; deleting a
/// missing key does not; a transaction bumps it once if it wrote anything; a lease
/// grant never does; a revoke does only when keys were attached, deleting them all at
/// one revision. Every response carries the header revision and is recomputed
/// exactly, so a wrong value, version, mod_revision or header revision fails the step.
public struct KVModel: CheckerModel {
    /// The keyspace, the live leases and the current revision.
    public struct State: Hashable, Sendable {
        /// Live keys.
        public var keys: [String: KeyValue]
        /// Granted, not yet revoked, leases.
        public var leases: Set<Int64>
        /// The store's current revision.
        public var revision: Int64

        /// Creates a state; the default is the empty store at revision 1.
        public init(keys: [String: KeyValue] = [:], leases: Set<Int64> = [], revision: Int64 = 1) {
            self.keys = keys
            self.leases = leases
            self.revision = revision
        }

        /// The live keys in key order.
        public var sortedRecords: [KeyValue] { keys.values.sorted() }
    }

    /// Creates the model.
    public init() {}

    /// The empty store at revision 1.
    public var initialState: State { State() }

    /// Applies `input` and compares the recomputed response with `output` (any response when nil).
    public func step(_ state: State, input: KVInput, output: KVOutput?) -> State? {
        let (next, expected) = Self.apply(state, input)
        guard let output else { return next }
        return output == expected ? next : nil
    }

    /// What the model answers, for reports.
    public func explain(_ state: State, input: KVInput) -> String {
        "the model answers \(Self.apply(state, input).1) at store revision \(state.revision)"
    }

    /// Runs one request against `state`: the next state and the exact response.
    public static func apply(_ state: State, _ input: KVInput) -> (State, KVOutput) {
        var next = state
        switch input {
        case .get(let key):
            return (state, .get(revision: state.revision, kv: state.keys[key]))
        case .range(let prefix):
            let kvs = state.keys.values.filter { $0.key.utf8.starts(with: prefix.utf8) }.sorted()
            return (state, .range(revision: state.revision, kvs: kvs))
        case .put(let key, let value, let lease, let prevKV):
            if lease != 0 && !state.leases.contains(lease) { return (state, .failed(.leaseNotFound)) }
            let revision = state.revision + 1
            let previous = state.keys[key]
            next.keys[key] = record(key: key, value: value, lease: lease, previous: previous, revision: revision)
            next.revision = revision
            return (next, .put(revision: revision, prev: prevKV ? previous : nil))
        case .delete(let key, let prefix):
            let doomed = prefix ? state.keys.keys.filter { $0.utf8.starts(with: key.utf8) } : (state.keys[key] == nil ? [] : [key])
            guard !doomed.isEmpty else { return (state, .delete(revision: state.revision, deleted: 0)) }
            for key in doomed { next.keys[key] = nil }
            next.revision += 1
            return (next, .delete(revision: next.revision, deleted: Int64(doomed.count)))
        case .txn(let compares, let success, let failure):
            for branch in [success, failure] where Set(branch.map(\.key)).count != branch.count {
                return (state, .failed(.duplicateKey))
            }
            let succeeded = compares.allSatisfy { holds($0, in: state) }
            let writes = succeeded ? success : failure
            for case .put(_, _, let lease) in writes where lease != 0 && !state.leases.contains(lease) {
                return (state, .failed(.leaseNotFound))
            }
            let revision = state.revision + 1
            var changed = false
            for write in writes {
                switch write {
                case .put(let key, let value, let lease):
                    next.keys[key] = record(key: key, value: value, lease: lease, previous: state.keys[key], revision: revision)
                    changed = true
                case .delete(let key):
                    if next.keys.removeValue(forKey: key) != nil { changed = true }
                }
            }
            if changed { next.revision = revision }
            return (next, .txn(revision: next.revision, succeeded: succeeded))
        case .leaseGrant(let id):
            guard !state.leases.contains(id) else { return (state, .failed(.leaseExists)) }
            next.leases.insert(id)
            return (next, .leaseGrant(revision: state.revision))
        case .leaseRevoke(let id):
            guard state.leases.contains(id) else { return (state, .failed(.leaseNotFound)) }
            next.leases.remove(id)
            let attached = state.keys.values.filter { $0.lease == id }
            guard !attached.isEmpty else { return (next, .leaseRevoke(revision: state.revision)) }
            for kv in attached { next.keys[kv.key] = nil }
            next.revision += 1
            return (next, .leaseRevoke(revision: next.revision))
        }
    }

    /// Whether one transaction comparison holds (a missing key has version and mod_revision 0).
    public static func holds(_ compare: TxnCompare, in state: State) -> Bool {
        switch compare {
        case .valueEquals(let key, let value): state.keys[key]?.value == value
        case .modRevisionEquals(let key, let revision): (state.keys[key]?.modRevision ?? 0) == revision
        case .versionEquals(let key, let version): (state.keys[key]?.version ?? 0) == version
        }
    }

    /// The record a put leaves: create revision kept and version bumped on an existing key.
    static func record(key: String, value: String, lease: Int64, previous: KeyValue?, revision: Int64) -> KeyValue {
        KeyValue(
            key: key, value: value,
            createRevision: previous?.createRevision ?? revision,
            modRevision: revision,
            version: (previous?.version ?? 0) + 1,
            lease: lease)
    }
}
