import Raft
import Testing
@testable import WAL

/// Writes a workload through the simulated disk, stops the disk after each of its operations in turn (every
/// write, sync, rename, ...), then crashes it in several ways (all unsynced work lost, all kept, the last write
/// torn at every byte with and without zero fill, random seeded losses) and recovers. The result must always be
/// the state after a prefix of the operations, at least every acknowledged one; and the recovered WAL must
/// accept more writes and recover them.
@Suite struct CrashAtEveryByteTests {
    /// Small segments and one kept snapshot, so the workloads cut segments and release them.
    static let options = WALOptions(segmentSizeBytes: 512, retainedSnapshotCount: 1)

    struct Outcome {
        var acknowledged = 0
        var attempted = 0
        var completed = false
    }

    /// Runs the workload on `disk` until the disk goes down; counts acknowledged and attempted operations.
    func run(_ workload: [WALOperation], on disk: SimulatedDisk) -> Outcome {
        var outcome = Outcome()
        guard let (wal, _) = try? WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: Self.options)
        else { return outcome }
        for operation in workload {
            outcome.attempted += 1
            do { try operation.apply(to: wal) } catch { return outcome }
            outcome.acknowledged += 1
        }
        outcome.completed = true
        return outcome
    }

    /// Recovers from a crashed disk and checks the prefix property; then appends one more batch and recovers again.
    func check(_ disk: SimulatedDisk, _ outcome: Outcome, _ states: [ModelState], _ context: String) throws {
        let (wal, recovered) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: Self.options)
        let candidates = states[outcome.acknowledged...min(outcome.attempted, states.count - 1)]
        guard let match = candidates.first(where: { $0.expectedRecovery == withoutTornTail(recovered) }) else {
            let found = "\(recovered.entries.count) entries, hs \(recovered.hardState), "
                + "snapshot \(recovered.snapshot?.metadata.index ?? 0)"
            Issue.record("\(context): recovered \(found); expected a state in \(outcome.acknowledged)...\(outcome.attempted)")
            return
        }
        var model = match
        let next = Entry(term: model.hardState.term + 100, index: model.lastIndex + 1, data: Array("after crash".utf8))
        let after = WALOperation.save(HardState(term: next.term, vote: 1, commit: model.hardState.commit), [next])
        try after.apply(to: wal)
        model.apply(after)
        disk.crashLosingUnsyncedWrites()
        let (_, again) = try WriteAheadLog.open(directory: walDirectory, fileSystem: disk, options: Self.options)
        #expect(withoutTornTail(again) == model.expectedRecovery, "\(context): write after recovery")
        #expect(again.tornTail == nil, "\(context): a tail was cut twice")
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func everyOperationAndEveryByte(seed: UInt64) throws {
        let workload = makeWorkload(seed: seed, count: 20)
        let states = modelStates(workload)
        var budget = 0
        var checked = 0
        while budget < 400 {
            let disk = SimulatedDisk(seed: seed &+ UInt64(budget))
            disk.failAfter(operations: budget)
            let outcome = run(workload, on: disk)
            if outcome.completed { break }
            let context = "seed \(seed) budget \(budget) (replay: makeWorkload(seed: \(seed), count: 20), failAfter(operations: \(budget)))"
            let unsynced = disk.unsyncedOperationCount
            var crashes: [(String, (SimulatedDisk) -> Void)] = [
                ("lose all", { $0.crash(keepingUnsyncedOperations: 0) }),
                ("keep all", { $0.crash(keepingUnsyncedOperations: unsynced) }),
                ("random", { $0.crash() }),
            ]
            if let size = disk.lastUnsyncedWriteSize {
                for bytes in 0..<size {
                    crashes.append(("torn at \(bytes)", { $0.crash(keepingUnsyncedOperations: unsynced, tearLastTo: bytes) }))
                    crashes.append(("torn at \(bytes), zero-filled",
                                    { $0.crash(keepingUnsyncedOperations: unsynced, tearLastTo: bytes, zeroFillTornRest: true) }))
                }
            }
            for (name, crash) in crashes {
                let copy = disk.copy()
                crash(copy)
                try check(copy, outcome, states, context + " crash: " + name)
                checked += 1
            }
            budget += 1
        }
        #expect(budget < 400, "seed \(seed): the workload never completed")
        #expect(checked > 100)
    }

    @Test(arguments: Array(100..<160) as [UInt64])
    func randomCrashesDuringALongerWorkload(seed: UInt64) throws {
        let workload = makeWorkload(seed: seed, count: 40)
        let states = modelStates(workload)
        var random = SeededRandom(seed: seed)
        let fullRun = SimulatedDisk(seed: seed)
        _ = run(workload, on: fullRun)
        for round in 0..<5 {
            let budget = Int(random.next() % UInt64(fullRun.operationCount + 1))
            let disk = SimulatedDisk(seed: seed &* 31 &+ UInt64(round))
            disk.failAfter(operations: budget)
            let outcome = run(workload, on: disk)
            disk.crash()
            try check(disk, outcome, states, "seed \(seed) round \(round) budget \(budget)")
        }
    }
}
