import Checker

/// Builds hand-made KV histories tersely: times are small integers.
struct HistoryBuilder {
    private(set) var operations: [KVOperation] = []

    mutating func add(_ client: Int, _ call: UInt64, _ returned: UInt64?, _ input: KVInput, _ output: KVOutput?) {
        operations.append(KVOperation(client: client, input: input, callNanoseconds: call,
                                      output: returned == nil ? nil : output, returnNanoseconds: returned))
    }

    mutating func put(_ client: Int, _ call: UInt64, _ returned: UInt64?, _ key: String, _ value: String, rev: Int64) {
        add(client, call, returned, .put(key: key, value: value, lease: 0, prevKV: false), .put(revision: rev, prev: nil))
    }

    mutating func get(_ client: Int, _ call: UInt64, _ returned: UInt64, _ key: String, rev: Int64, _ kv: KeyValue?) {
        add(client, call, returned, .get(key: key), .get(revision: rev, kv: kv))
    }
}

/// A record written once at `rev` (version 1).
func fresh(_ key: String, _ value: String, _ rev: Int64) -> KeyValue {
    KeyValue(key: key, value: value, createRevision: rev, modRevision: rev, version: 1)
}

/// Checks with the global KV model and a small budget.
func checkKV(_ history: [KVOperation]) -> LinearizabilityVerdict {
    LinearizabilityChecker(model: KVModel(), maxSteps: 2_000_000).check(history)
}
