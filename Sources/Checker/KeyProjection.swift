/// Projects a KV history onto single keys for the partitioned check.
///
/// Sound but weaker than the global check: if the whole history is linearizable, so is
/// every projection, so a violation found in a projection is real. Definite failures
/// (lease not found...) changed nothing and are dropped; a prefix range or delete becomes
/// one step per key of the history's key universe under the prefix.
enum KeyProjection {
    /// Every key named by a request or a response, in byte order.
    static func universe(_ history: [KVOperation]) -> [String] {
        var keys = Set<String>()
        for operation in history {
            switch operation.input {
            case .get(let key), .put(let key, _, _, _): keys.insert(key)
            case .delete(let key, let prefix): if !prefix { keys.insert(key) }
            case .txn(let compares, let success, let failure):
                for compare in compares { keys.insert(compare.key) }
                for write in success + failure { keys.insert(write.key) }
            case .range, .leaseGrant, .leaseRevoke: break
            }
            if case .range(_, let kvs)? = operation.output { for kv in kvs { keys.insert(kv.key) } }
        }
        return keys.sorted(by: keyLess)
    }

    /// The history of one key; operations that do not touch it are left out.
    /// A revoke is projected only onto keys that some request ever put with that lease:
    /// elsewhere it can change nothing, and a pending unknown revoke would only widen the search.
    static func project(_ history: [KVOperation], onto key: String) -> [TimedOperation<KeyStep, KeyStepAnswered>] {
        var leasesOfKey = Set<Int64>()
        for operation in history {
            switch operation.input {
            case .put(let target, _, let lease, _) where target == key && lease != 0: leasesOfKey.insert(lease)
            case .txn(_, let success, let failure):
                for case .put(let target, _, let lease) in success + failure where target == key && lease != 0 { leasesOfKey.insert(lease) }
            default: break
            }
        }
        var steps: [TimedOperation<KeyStep, KeyStepAnswered>] = []
        for (index, operation) in history.enumerated() {
            if case .failed? = operation.output { continue }
            if case .leaseRevoke(let lease) = operation.input, !leasesOfKey.contains(lease) { continue }
            guard let action = action(operation.input, operation.output, key: key) else { continue }
            let step = KeyStep(source: index, action: action, original: "\(operation.input)")
            steps.append(TimedOperation(client: operation.client, input: step, callNanoseconds: operation.callNanoseconds,
                                        output: operation.isUnknownOutcome ? nil : KeyStepAnswered(),
                                        returnNanoseconds: operation.isUnknownOutcome ? nil : operation.returnNanoseconds))
        }
        return steps
    }

    static func action(_ input: KVInput, _ output: KVOutput?, key: String) -> KeyStep.Action? {
        switch input {
        case .get(let target):
            guard target == key, case .get(_, let kv)? = output else { return nil }
            return .read(KeySlot(kv))
        case .range(let prefix):
            guard key.utf8.starts(with: prefix.utf8), case .range(_, let kvs)? = output else { return nil }
            return .read(KeySlot(kvs.first { $0.key == key }))
        case .put(let target, let value, let lease, let prevKV):
            guard target == key else { return nil }
            var previous: KeySlot? = nil
            if prevKV, case .put(_, let prev)? = output { previous = KeySlot(prev) }
            return .put(value: value, lease: lease, observedPrevious: previous)
        case .delete(let target, let prefix):
            guard prefix ? key.utf8.starts(with: target.utf8) : target == key else { return nil }
            var existed: Bool? = nil
            if case .delete(_, let deleted)? = output { existed = prefix ? (deleted == 0 ? false : nil) : deleted > 0 }
            return .delete(observedExisting: existed)
        case .txn(let compares, let success, let failure):
            let here = compares.filter { $0.key == key }
            let successWrite = success.first { $0.key == key }
            let failureWrite = failure.first { $0.key == key }
            guard !here.isEmpty || successWrite != nil || failureWrite != nil else { return nil }
            var succeeded: Bool? = nil
            if case .txn(_, let flag)? = output { succeeded = flag }
            return .txn(compares: here, decidedHere: here.count == compares.count, success: successWrite, failure: failureWrite, succeeded: succeeded)
        case .leaseRevoke(let lease):
            return .revoke(lease: lease)
        case .leaseGrant:
            return nil
        }
    }
}
