/// Resolves unknown-outcome writes from the committed log before the global check.
///
/// The global model with revisions cannot merge search states that differ in whether an
/// unknown write happened (their revisions differ), so each unresolved unknown write can
/// double the search. Values are unique per write, so the log says what happened: a write
/// whose value was committed at revision R happened there, and gets the response it would
/// have had (return time stays +infinity); a write none of whose possible effects is in the
/// log never happened and is dropped. A delete (or a transaction branch of deletes only)
/// is dropped when the log never deletes a key it names at a revision no other request
/// certainly made: it never ran or changed nothing, and with no response the two look the
/// same. Whatever may have left a trace that cannot be pinned (a delete of a key the log
/// deletes at an unclaimed revision, a revoke, a grant) stays unknown.
/// Sound only together with C2, which checks the log against every acknowledged write.
public enum OutcomeResolution {
    /// The history with unknown writes resolved; the result keeps the order of `history`,
    /// minus the dropped operations. `kept[i]` is the index in `history` of result `i`.
    public static func resolve(_ history: [KVOperation], replay: KeyspaceReplay) -> (history: [KVOperation], kept: [Int]) {
        var committedAt: [String: Int64] = [:]
        var deletions: [(key: String, revision: Int64)] = []
        for entry in replay.log {
            for event in entry.events {
                if event.kind == .put { committedAt[event.kv.key + "\u{0}" + event.kv.value] = entry.revision } else { deletions.append((event.kv.key, entry.revision)) }
            }
        }
        // Revisions certainly made by another request (an acknowledged write that bumped, or an
        // unknown one pinned by its put): a deletion there cannot be an unknown operation's trace.
        var claimed = Set<Int64>()
        for operation in history {
            if let output = operation.output, let revision = output.revision, RevisionOrderCheck.bumpedRevision(operation.input, output) {
                claimed.insert(revision)
            }
        }
        for operation in history where operation.output == nil {
            switch operation.input {
            case .put(let key, let value, _, _): if let revision = committedAt[key + "\u{0}" + value] { claimed.insert(revision) }
            case .txn(_, let success, let failure):
                for case .put(let key, let value, _) in success + failure {
                    if let revision = committedAt[key + "\u{0}" + value] { claimed.insert(revision) }
                }
            default: break
            }
        }
        let everDeleted = Set(deletions.filter { !claimed.contains($0.revision) }.map(\.key))
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

        let pinned = pinDeletions(history, replay: replay, claimed: claimed)

        var result: [KVOperation] = []
        var kept: [Int] = []
        for (index, operation) in history.enumerated() {
            var resolved = operation
            if let output = pinned[index] {
                resolved.output = output
                resolved.returnNanoseconds = nil
            } else if operation.output == nil {
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

    /// Unknown operations that are the only request that could have made an unclaimed
    /// delete-only revision of the log: each revision is made by exactly one request, so that
    /// operation happened there. Acknowledged requests whose response leaves open whether they
    /// changed anything (a revoke, a transaction whose branch only deletes) count as candidates too.
    static func pinDeletions(_ history: [KVOperation], replay: KeyspaceReplay, claimed: Set<Int64>) -> [Int: KVOutput] {
        var soleCandidate: [Int: [Int64]] = [:]
        var outputs: [Int: [Int64: KVOutput]] = [:]
        for entry in replay.log where !claimed.contains(entry.revision) && entry.events.allSatisfy({ $0.kind == .delete }) {
            let keys = Set(entry.events.map(\.kv.key))
            let before = replay.keyspace(at: entry.revision - 1) ?? [:]
            var candidates: [(index: Int, output: KVOutput)] = []
            for (index, operation) in history.enumerated() {
                if let output = operation.output, output.revision != entry.revision { continue }
                if case .failed? = operation.output { continue }
                switch operation.input {
                case .delete(let key, let prefix):
                    if prefix ? keys.allSatisfy({ $0.utf8.starts(with: key.utf8) }) : keys == [key] {
                        candidates.append((index, .delete(revision: entry.revision, deleted: Int64(keys.count))))
                    }
                case .txn(_, let success, let failure):
                    let fits = [success, failure].map { branch in
                        !branch.contains { if case .put = $0 { return true } else { return false } } && keys.isSubset(of: Set(branch.map(\.key)))
                    }
                    if let output = operation.output {
                        if case .txn(_, let succeeded) = output, fits[succeeded ? 0 : 1] { candidates.append((index, output)) }
                    } else if fits[0] != fits[1] {
                        candidates.append((index, .txn(revision: entry.revision, succeeded: fits[0])))
                    } else if fits[0] {
                        candidates.append((index, .txn(revision: entry.revision, succeeded: true)))
                        candidates.append((index, .txn(revision: entry.revision, succeeded: false)))
                    }
                case .leaseRevoke(let lease):
                    if keys.allSatisfy({ before[$0]?.lease == lease }) { candidates.append((index, .leaseRevoke(revision: entry.revision))) }
                default:
                    break
                }
            }
            guard candidates.count == 1, let only = candidates.first, history[only.index].output == nil else { continue }
            soleCandidate[only.index, default: []].append(entry.revision)
            outputs[only.index, default: [:]][entry.revision] = only.output
        }
        var pinned: [Int: KVOutput] = [:]
        for (index, revisions) in soleCandidate where revisions.count == 1 {
            pinned[index] = outputs[index]?[revisions[0]]
        }
        return pinned
    }
}
