/// Resolves unknown-outcome writes from the committed log before the global check.
///
/// The global model with revisions cannot merge search states that differ in whether an
/// unknown write happened (their revisions differ), so each unresolved unknown write can
/// double the search. Values are unique per write, so the log says what happened: a write
/// whose value was committed at revision R happened there, and gets the response it would
/// have had (return time stays +infinity); a write none of whose possible effects is in the
/// log never happened and is dropped. A delete (or a transaction branch of deletes only)
/// is dropped when the log never deletes a key it names: it never ran or changed nothing,
/// and with no response either way looks the same. Whatever may have left a trace that
/// cannot be pinned (a delete of a key the log deletes somewhere, a revoke, a grant) stays
/// unknown.
/// Sound only together with C2, which checks the log against every acknowledged write.
public enum OutcomeResolution {
    /// The history with unknown writes resolved; the result keeps the order of `history`,
    /// minus the dropped operations. `kept[i]` is the index in `history` of result `i`.
    public static func resolve(_ history: [KVOperation], replay: KeyspaceReplay) -> (history: [KVOperation], kept: [Int]) {
        var committedAt: [String: Int64] = [:]
        var deletedKeys: [String] = []
        for entry in replay.log {
            for event in entry.events {
                if event.kind == .put { committedAt[event.kv.key + "\u{0}" + event.kv.value] = entry.revision } else { deletedKeys.append(event.kv.key) }
            }
        }
        let everDeleted = Set(deletedKeys)
        func deletesLeftATrace(_ key: String, prefix: Bool) -> Bool {
            prefix ? everDeleted.contains { $0.utf8.starts(with: key.utf8) } : everDeleted.contains(key)
        }
        /// Whether a branch without puts could have changed anything (only through a delete the log shows).
        func deleteOnlyBranchLeftATrace(_ writes: [TxnWrite]) -> Bool {
            writes.contains { if case .delete(let key) = $0 { return everDeleted.contains(key) } else { return false } }
        }
        func revision(of key: String, _ value: String) -> Int64? { committedAt[key + "\u{0}" + value] }
        func firstPut(_ writes: [TxnWrite]) -> Int64? {
            for case .put(let key, let value, _) in writes { if let revision = revision(of: key, value) { return revision } }
            return nil
        }
        func hasPut(_ writes: [TxnWrite]) -> Bool { writes.contains { if case .put = $0 { return true } else { return false } } }

        var result: [KVOperation] = []
        var kept: [Int] = []
        for (index, operation) in history.enumerated() {
            var resolved = operation
            if operation.output == nil {
                switch operation.input {
                case .put(let key, let value, _, let prevKV):
                    guard let committed = revision(of: key, value) else { continue }
                    resolved.output = .put(revision: committed, prev: prevKV ? replay.keyspace(at: committed - 1)?[key] : nil)
                case .txn(_, let success, let failure):
                    if let committed = firstPut(success) {
                        resolved.output = .txn(revision: committed, succeeded: true)
                    } else if let committed = firstPut(failure) {
                        resolved.output = .txn(revision: committed, succeeded: false)
                    } else if !(!hasPut(success) && deleteOnlyBranchLeftATrace(success))
                                && !(!hasPut(failure) && deleteOnlyBranchLeftATrace(failure)) {
                        continue  // no branch left a trace: it never ran, or changed nothing
                    }
                case .delete(let key, let prefix):
                    if !deletesLeftATrace(key, prefix: prefix) { continue }  // never ran, or deleted nothing
                default:
                    break
                }
                resolved.returnNanoseconds = nil
            }
            result.append(resolved)
            kept.append(index)
        }
        return (result, kept)
    }
}
