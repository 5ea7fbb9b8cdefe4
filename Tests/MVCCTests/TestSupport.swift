@testable import Raft
import MVCC

/// The project's seeded SplitMix64 generator (Raft's), so every run replays from its seed.
typealias SeededGenerator = SeededRandom

/// Bytes of a string.
func b(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A string of bytes (for messages).
func s(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

extension Keyspace {
    /// Put helper for tests.
    @discardableResult
    func put(_ key: String, _ value: String, lease: Int64 = 0) throws(MVCCError) -> PutResponse {
        try put(PutRequest(key: b(key), value: b(value), lease: lease))
    }

    /// Drains every ready or pending batch of `handle` (up to a bound) into a list.
    func drainAll(_ handle: Int, maxEvents: Int = 1000) -> [WatchBatch] {
        var batches: [WatchBatch] = []
        for _ in 0..<100_000 {
            guard let batch = drain(handle, maxEvents: maxEvents) else { break }
            batches.append(batch)
        }
        return batches
    }
}
