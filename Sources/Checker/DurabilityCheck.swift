/// C2: nothing acknowledged is lost, nothing unwritten appears, the final state equals the replay.
///
/// Needs the history, the committed log replay, and optionally a final read taken after
/// the run. Values must be unique per write (the harness's traffic guarantees it): that is
/// what maps a committed put back to the operation that wrote it.
public enum DurabilityCheck {
    /// All C2 violations, in history order.
    /// - Parameters:
    ///   - history: the recorded operations.
    ///   - replay: the committed log, replayed.
    ///   - finalRead: a range over every key taken after the run (header revision and records), if any.
    public static func check(_ history: [KVOperation], replay: KeyspaceReplay, finalRead: (revision: Int64, kvs: [KeyValue])? = nil) -> [Violation] {
        var violations: [Violation] = []
        var claimed: [Int64: Int] = [:]
        for (index, operation) in history.enumerated() {
            guard let output = operation.output, operation.returnNanoseconds != nil else { continue }
            let puts: [(key: String, value: String, lease: Int64)]
            var revision: Int64
            switch (operation.input, output) {
            case (.put(let key, let value, let lease, _), .put(let rev, _)):
                puts = [(key, value, lease)]
                revision = rev
            case (.delete(let key, let prefix), .delete(let rev, let deleted)) where deleted > 0:
                puts = []
                revision = rev
                let entry = replay.entry(at: rev)
                let deletions = entry?.events.filter { $0.kind == .delete && (prefix ? $0.kv.key.utf8.starts(with: key.utf8) : $0.kv.key == key) } ?? []
                if deletions.count != deleted {
                    violations.append(Violation(.durability, "acknowledged \(operation.input) deleted \(deleted) at revision \(rev), but the committed log deletes \(deletions.count) matching keys there", operations: [index], key: key, revision: rev))
                }
            case (.txn(_, let success, let failure), .txn(let rev, let succeeded)):
                puts = (succeeded ? success : failure).compactMap { write in
                    if case .put(let key, let value, let lease) = write { return (key, value, lease) }
                    return nil
                }
                revision = rev
                if puts.isEmpty {
                    let keys = (succeeded ? success : failure).map(\.key)
                    if let problem = deleteOnlyProblem(keys: Set(keys), revision: rev, replay: replay, matches: { _ in true }) {
                        violations.append(Violation(.durability, "acknowledged #\(index) \(operation.input) at revision \(rev): \(problem)", operations: [index], revision: rev))
                    }
                    continue
                }
            case (.leaseRevoke(let lease), .leaseRevoke(let rev)):
                let attached = Set((replay.keyspace(at: rev - 1) ?? [:]).values.filter { $0.lease == lease }.map(\.key))
                if let problem = deleteOnlyProblem(keys: attached, revision: rev, replay: replay, matches: { $0.lease == lease }) {
                    violations.append(Violation(.durability, "acknowledged #\(index) \(operation.input) at revision \(rev): \(problem)", operations: [index], revision: rev))
                }
                continue
            default:
                continue
            }
            if let other = claimed[revision] {
                violations.append(Violation(.durability, "two acknowledged writes got revision \(revision): #\(other) \(history[other].input) and #\(index) \(operation.input)", operations: [other, index], revision: revision))
            } else {
                claimed[revision] = index
            }
            guard let entry = replay.entry(at: revision) else {
                violations.append(Violation(.durability, "acknowledged write #\(index) \(operation.input) at revision \(revision) is missing: the committed log ends at \(replay.lastRevision)", operations: [index], revision: revision))
                continue
            }
            for put in puts where !entry.events.contains(where: { $0.kind == .put && $0.kv.key == put.key && $0.kv.value == put.value && $0.kv.lease == put.lease }) {
                violations.append(Violation(.durability, "acknowledged write #\(index) \(operation.input) is lost: committed revision \(revision) holds [\(entry.events.map(\.description).joined(separator: ", "))]", operations: [index], key: put.key, revision: revision))
            }
        }
        violations += phantomWrites(history, replay: replay)
        if let finalRead {
            if let expected = replay.records("", prefix: true, at: finalRead.revision) {
                if expected != finalRead.kvs.sorted() {
                    violations.append(Violation(.durability, "the final read at revision \(finalRead.revision) differs from the replay: read [\(finalRead.kvs.map(\.description).joined(separator: ", "))], replay [\(expected.map(\.description).joined(separator: ", "))]", revision: finalRead.revision))
                }
            } else {
                violations.append(Violation(.durability, "the final read is at revision \(finalRead.revision), outside the committed log (last \(replay.lastRevision))", revision: finalRead.revision))
            }
        }
        return violations
    }

    /// A request that only deletes and answered revision R either made R (the log's entry at R
    /// deletes some of its keys and nothing else) or changed nothing (none of its keys lives at R).
    /// Returns what is wrong, or nil.
    static func deleteOnlyProblem(keys: Set<String>, revision: Int64, replay: KeyspaceReplay, matches: (KeyValue) -> Bool) -> String? {
        if let entry = replay.entry(at: revision), !entry.events.isEmpty,
           entry.events.allSatisfy({ $0.kind == .delete && keys.contains($0.kv.key) }) {
            return nil
        }
        guard let keyspace = replay.keyspace(at: revision) else {
            return "revision \(revision) is beyond the committed log (last \(replay.lastRevision))"
        }
        let alive = keys.sorted(by: keyLess).filter { key in keyspace[key].map(matches) ?? false }
        if alive.isEmpty { return nil }
        return "it changed nothing by its answer, yet \(alive.joined(separator: ", ")) still lived at that revision in the committed log (its deletion is lost)"
    }

    /// Committed puts whose value no operation of the history ever wrote to that key.
    static func phantomWrites(_ history: [KVOperation], replay: KeyspaceReplay) -> [Violation] {
        var written = Set<String>()
        func note(_ key: String, _ value: String) { written.insert(key + "\u{0}" + value) }
        for operation in history {
            switch operation.input {
            case .put(let key, let value, _, _): note(key, value)
            case .txn(_, let success, let failure):
                for case .put(let key, let value, _) in success + failure { note(key, value) }
            default: break
            }
        }
        var violations: [Violation] = []
        for entry in replay.log {
            for event in entry.events where event.kind == .put && !written.contains(event.kv.key + "\u{0}" + event.kv.value) {
                violations.append(Violation(.durability, "committed revision \(entry.revision) puts \(event.kv.key)=\(quoted(event.kv.value)), which no client wrote", key: event.kv.key, revision: entry.revision))
            }
        }
        return violations
    }
}
