import Checker
import Testing

/// The model's answers, written out by hand from etcd's documented rules (independent of the generator,
/// which uses the model itself).
@Suite("KVModel follows etcd's revision rules")
struct KVModelSpecTests {
    private func run(_ inputs: [KVInput]) -> [KVOutput] {
        var state = KVModel.State()
        var outputs: [KVOutput] = []
        for input in inputs {
            let (next, output) = KVModel.apply(state, input)
            state = next
            outputs.append(output)
        }
        return outputs
    }

    @Test("puts bump, versions count, create revision stays, prev_kv is the old record")
    func puts() {
        let out = run([.get(key: "a"), .put(key: "a", value: "1", lease: 0, prevKV: true), .put(key: "a", value: "1", lease: 0, prevKV: true), .get(key: "a")])
        #expect(out == [.get(revision: 1, kv: nil), .put(revision: 2, prev: nil), .put(revision: 3, prev: fresh("a", "1", 2)),
                        .get(revision: 3, kv: KeyValue(key: "a", value: "1", createRevision: 2, modRevision: 3, version: 2))])
    }

    @Test("delete: missing key no bump; recreate starts a new generation")
    func deletes() {
        let out = run([.put(key: "a", value: "1", lease: 0, prevKV: false), .delete(key: "a", prefix: false), .delete(key: "a", prefix: false),
                       .put(key: "a", value: "2", lease: 0, prevKV: false), .get(key: "a")])
        #expect(out == [.put(revision: 2, prev: nil), .delete(revision: 3, deleted: 1), .delete(revision: 3, deleted: 0),
                        .put(revision: 4, prev: nil), .get(revision: 4, kv: fresh("a", "2", 4))])
    }

    @Test("txn: one revision for all writes, read-only and no-op txns do not bump, missing key compares as 0")
    func txns() {
        let both = KVInput.txn(compares: [.modRevisionEquals(key: "x", revision: 0), .versionEquals(key: "y", version: 0)],
                               success: [.put(key: "x", value: "1", lease: 0), .put(key: "y", value: "2", lease: 0)], failure: [])
        let noop = KVInput.txn(compares: [.valueEquals(key: "x", value: "nope")], success: [], failure: [.delete(key: "missing")])
        let duplicate = KVInput.txn(compares: [], success: [.put(key: "x", value: "3", lease: 0), .delete(key: "x")], failure: [])
        let out = run([both, .range(prefix: ""), noop, duplicate])
        #expect(out == [.txn(revision: 2, succeeded: true), .range(revision: 2, kvs: [fresh("x", "1", 2), fresh("y", "2", 2)]),
                        .txn(revision: 2, succeeded: false), .failed(.duplicateKey)])
    }

    @Test("leases: grant does not bump, revoke without keys does not bump, revoke with keys deletes all at one revision")
    func leases() {
        let out = run([.leaseGrant(id: 5), .leaseGrant(id: 5), .leaseGrant(id: 6), .leaseRevoke(id: 6), .leaseRevoke(id: 6),
                       .put(key: "a", value: "1", lease: 5, prevKV: false), .put(key: "b", value: "2", lease: 5, prevKV: false),
                       .put(key: "c", value: "3", lease: 0, prevKV: false), .leaseRevoke(id: 5), .range(prefix: "")])
        #expect(out == [.leaseGrant(revision: 1), .failed(.leaseExists), .leaseGrant(revision: 1), .leaseRevoke(revision: 1), .failed(.leaseNotFound),
                        .put(revision: 2, prev: nil), .put(revision: 3, prev: nil), .put(revision: 4, prev: nil), .leaseRevoke(revision: 5),
                        .range(revision: 5, kvs: [fresh("c", "3", 4)])])
    }

    @Test("a put detaches a key from its old lease")
    func detach() {
        let out = run([.leaseGrant(id: 5), .put(key: "a", value: "1", lease: 5, prevKV: false), .put(key: "a", value: "2", lease: 0, prevKV: false),
                       .leaseRevoke(id: 5), .get(key: "a")])
        #expect(out.last == .get(revision: 3, kv: KeyValue(key: "a", value: "2", createRevision: 2, modRevision: 3, version: 2)))
        #expect(out[3] == .leaseRevoke(revision: 3))
    }
}
