import Testing
@testable import MVCC

@Suite("Keyspace against the reference model")
struct KeyspaceModelTests {
    @Test("random operations: ranges at every retained revision, txns, leases, compaction and watches match the model",
          arguments: [(1 as UInt64, 2, 3), (2, 4, 4), (3, 1, 3), (4, 64, 64), (5, 3, 5), (6, 8, 3)])
    func randomOperations(seed: UInt64, maxPending: Int, nodeSize: Int) throws {
        var driver = ModelDriver(seed: seed, maxPending: maxPending, nodeSize: nodeSize)
        try driver.run(steps: 300)
        #expect(driver.keyspace.frozen().keys.invariantViolation() == nil, "seed \(seed)")
        #expect(driver.keyspace.frozen().history.invariantViolation() == nil, "seed \(seed)")
    }
}

@Suite("Model driver exercises what it claims")
struct ModelDriverCoverageTests {
    @Test("the random run writes, compacts, cancels and delivers events")
    func coverage() throws {
        var driver = ModelDriver(seed: 11, maxPending: 2, nodeSize: 3)
        try driver.run(steps: 300)
        let received = driver.watches.values.map(\.received.count).reduce(0, +)
        let canceled = driver.watches.values.filter { $0.canceledAt != nil }.count
        print("revision \(driver.model.current) compact \(driver.model.compactRevision) watchers \(driver.watches.count) events \(received) canceled \(canceled)")
        #expect(driver.model.current > 100)
        #expect(driver.model.compactRevision > 10)
        #expect(received > 200)
        #expect(canceled > 0)
    }
}
