import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import Raft
import WAL
import TestSupport
@testable import Replica

/// The WAL writer's hand-off: one batch in flight, outcomes collected in order, the loop woken once
/// per batch, failures passed back, and a close that waits for the write in progress.
@Suite("WAL writer hand-off", .timeLimit(.minutes(1)))
struct WALWriterTests {
    /// A save function that blocks until the test opens its gate, recording what it saved.
    final class GatedSave: Sendable {
        let gate = DispatchSemaphore(value: 0)
        let saved = Mutex<[WALWriter.Batch]>([])
        let failWith = Mutex<WALError?>(nil)

        func save(_ batch: WALWriter.Batch) throws(WALError) {
            gate.wait()
            if let error = failWith.withLock({ $0 }) { throw error }
            saved.withLock { $0.append(batch) }
        }
    }

    /// Opens the gate 20 ms from now on a thread of its own (not Dispatch's pool, which a loaded
    /// parallel test run can starve).
    static func openLater(_ gate: DispatchSemaphore) throws {
        _ = try DedicatedThread(name: "gate") {
            usleep(20_000)
            gate.signal()
        }
    }

    static func batch(_ index: UInt64) -> WALWriter.Batch {
        WALWriter.Batch(hardState: HardState(term: 1, vote: 1, commit: index - 1),
                        entries: [Entry(term: 1, index: index, data: [UInt8(truncatingIfNeeded: index)])])
    }

    @Test("take() is nil until the batch is durable; then the outcome, once, and the loop is woken")
    func handOff() throws {
        let gated = GatedSave()
        let wakes = Atomic<Int>(0)
        let woken = DispatchSemaphore(value: 0)
        let writer = try WALWriter(name: "wal-test", save: { (b: WALWriter.Batch) throws(WALError) in try gated.save(b) },
                                   onFinished: { wakes.add(1, ordering: .relaxed); woken.signal() })
        defer { writer.close() }
        for i in UInt64(1)...20 {
            writer.begin(Self.batch(i))
            #expect(writer.isBusy)
            #expect(writer.take() == nil)
            gated.gate.signal()
            woken.wait()
            let outcome = try #require(writer.take())
            guard case .saved = outcome else { Issue.record("batch \(i): \(outcome)"); return }
            #expect(!writer.isBusy)
            #expect(writer.take() == nil)
        }
        #expect(wakes.load(ordering: .relaxed) == 20)
        #expect(gated.saved.withLock { $0 } == (UInt64(1)...20).map(Self.batch))
    }

    @Test("wait() blocks for the batch in flight; nil when none is")
    func waitCollects() throws {
        let gated = GatedSave()
        let writer = try WALWriter(name: "wal-test", save: { (b: WALWriter.Batch) throws(WALError) in try gated.save(b) },
                                   onFinished: {})
        defer { writer.close() }
        #expect(writer.wait() == nil)
        writer.begin(Self.batch(1))
        try Self.openLater(gated.gate)
        guard case .saved = try #require(writer.wait()) else { Issue.record("not saved"); return }
        #expect(!writer.isBusy)
        #expect(writer.wait() == nil)
    }

    @Test("a failed write comes back as .failed with the WAL's error")
    func failure() throws {
        let gated = GatedSave()
        gated.failWith.withLock { $0 = .failed }
        let writer = try WALWriter(name: "wal-test", save: { (b: WALWriter.Batch) throws(WALError) in try gated.save(b) },
                                   onFinished: {})
        defer { writer.close() }
        writer.begin(Self.batch(1))
        gated.gate.signal()
        #expect(writer.wait() == .failed(.failed))
    }

    @Test("close() lets the write in progress finish, then ends the thread; twice is harmless")
    func closeWaits() throws {
        let gated = GatedSave()
        let writer = try WALWriter(name: "wal-test", save: { (b: WALWriter.Batch) throws(WALError) in try gated.save(b) },
                                   onFinished: {})
        writer.begin(Self.batch(1))
        try Self.openLater(gated.gate)
        writer.close()
        #expect(gated.saved.withLock { $0.count } == 1)
        writer.close()
    }

    @Test("batches written through a real WAL are recovered in order")
    func realWAL() throws {
        let directory = temporaryDirectory("walwriter")
        defer { removeTree(directory) }
        do {
            let (wal, _) = try WriteAheadLog.open(directory: directory)
            let writer = try WALWriter(name: "wal-test", wal: wal, onFinished: {})
            for i in UInt64(1)...50 {
                writer.begin(Self.batch(i))
                guard case .saved = try #require(writer.wait()) else { Issue.record("batch \(i)"); return }
            }
            writer.close()
            wal.close()
        }
        let (wal, recovered) = try WriteAheadLog.open(directory: directory)
        defer { wal.close() }
        #expect(recovered.entries == (UInt64(1)...50).flatMap { Self.batch($0).entries })
        #expect(recovered.hardState == HardState(term: 1, vote: 1, commit: 49))
    }
}
