@testable import MVCC

/// A seeded SplitMix64 generator: every randomized test takes its seed from its arguments.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
