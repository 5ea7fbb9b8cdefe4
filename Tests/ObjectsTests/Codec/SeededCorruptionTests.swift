import Testing
@testable import Objects

/// A small deterministic generator (SplitMix64) so corruption tests replay from their seed.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

@Suite("Randomly corrupted objects decode or fail with a typed error")
struct SeededCorruptionTests {
    @Test("byte flips in the Pod fixture", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func corrupted(seed: UInt64) throws {
        let original = try Fixtures.bytes("served/pod-running.json")
        var rng = SplitMix64(state: seed)
        var decoded = 0
        for _ in 0..<200 {
            var bytes = original
            for _ in 0..<(1 + rng.below(3)) {
                bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            }
            do {
                let pod = try Pod(json: bytes)
                // Whatever decoded must re-encode to something that decodes to the same value.
                let again = try Pod(json: pod.encodeJSON())
                #expect(again == pod, "seed \(seed): re-encoding changed a decoded pod")
                decoded += 1
            } catch {
                // A typed ObjectCodecError is the expected outcome; nothing else can be thrown.
            }
        }
        #expect(decoded < 200, "seed \(seed): no corruption was ever detected")
    }
}
