/// The global revision checks that per-key partitioning needs (RELIABILITY.md section 4).
///
/// - Two acknowledged writes that changed the keyspace never share a revision.
/// - Real-time order: if A returned before B was sent then rev(B) ≥ rev(A), and
///   rev(B) > rev(A) when B is a write that changed the keyspace.
public enum RevisionOrderCheck {
    /// Whether an acknowledged response certainly created a new revision.
    static func bumpedRevision(_ input: KVInput, _ output: KVOutput) -> Bool {
        switch (input, output) {
        case (.put, .put): true
        case (.delete, .delete(_, let deleted)): deleted > 0
        case (.txn(_, let success, let failure), .txn(_, let succeeded)):
            (succeeded ? success : failure).contains { if case .put = $0 { return true } else { return false } }
        default: false
        }
    }

    /// All revision violations, in history order of the later operation.
    public static func check(_ history: [KVOperation]) -> [Violation] {
        var violations: [Violation] = []
        var writers: [Int64: Int] = [:]
        for (index, operation) in history.enumerated() {
            guard let output = operation.output, let revision = output.revision, bumpedRevision(operation.input, output) else { continue }
            if let other = writers[revision] {
                violations.append(Violation(.linearizable, "two acknowledged writes share revision \(revision): #\(other) \(history[other].input) and #\(index) \(operation.input)", operations: [other, index], revision: revision))
            } else {
                writers[revision] = index
            }
        }
        // Sweep operations by call time; every operation that returned before the call contributes its revision.
        let acknowledged = history.indices.filter { history[$0].output?.revision != nil && history[$0].returnNanoseconds != nil }
        let byReturn = acknowledged.sorted { (history[$0].returnNanoseconds ?? 0, $0) < (history[$1].returnNanoseconds ?? 0, $1) }
        let byCall = acknowledged.sorted { (history[$0].callNanoseconds, $0) < (history[$1].callNanoseconds, $1) }
        var cursor = 0
        var highest: (revision: Int64, operation: Int)? = nil
        for index in byCall {
            let operation = history[index]
            while cursor < byReturn.count, let returned = history[byReturn[cursor]].returnNanoseconds, returned < operation.callNanoseconds {
                let earlier = byReturn[cursor]
                if let revision = history[earlier].output?.revision, revision > (highest?.revision ?? .min) { highest = (revision, earlier) }
                cursor += 1
            }
            guard let highest, let output = operation.output, let revision = output.revision else { continue }
            let strict = bumpedRevision(operation.input, output)
            if revision < highest.revision || (strict && revision == highest.revision) {
                violations.append(Violation(.linearizable, "#\(index) \(operation.input) answered at revision \(revision) but was sent after #\(highest.operation) \(history[highest.operation].input) had returned revision \(highest.revision)", operations: [highest.operation, index], revision: revision))
            }
        }
        return violations
    }
}
