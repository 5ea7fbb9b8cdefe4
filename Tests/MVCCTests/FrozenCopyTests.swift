import Dispatch
import Testing
@testable import MVCC

@Suite("Frozen copies on another thread", .serialized, .timeLimit(.minutes(1)))
struct FrozenCopyTests {
    @Test("a frozen copy serializes on a Dispatch thread while the keyspace keeps writing")
    func snapshotWhileWriting() async throws {
        let keyspace = Keyspace(maxKeysPerNode: 8)
        for index in 0..<2000 { try keyspace.put("k\(index)", "v\(index)") }
        let frozen = keyspace.frozen()
        let expected = frozen.encodeSnapshot(metadata: [7])
        let expectedHash = try frozen.hashKV()
        async let fromOtherThread: ([UInt8], UInt32?) = withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                for _ in 0..<5 { bytes = frozen.encodeSnapshot(metadata: [7]) }
                continuation.resume(returning: (bytes, try? frozen.hashKV()))
            }
        }
        for index in 0..<2000 { try keyspace.put("k\(index)", "changed") }
        _ = try keyspace.compact(CompactionRequest(revision: keyspace.currentRevision - 10))
        let (bytes, hash) = await fromOtherThread
        #expect(bytes == expected)
        #expect(hash == expectedHash)
        #expect(keyspace.frozen().get(b("k5"))?.value == b("changed"))
    }
}
