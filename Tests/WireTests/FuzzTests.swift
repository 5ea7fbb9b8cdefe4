import Raft
import Testing
@testable import Wire

/// The project's seeded SplitMix64 generator (Raft's), so every run replays from its seed.
typealias SeededGenerator = SeededRandom

/// Mutates a valid corpus entry: byte flips, inserts of interesting tokens, deletions, splices.
func mutate(_ input: [UInt8], tokens: [[UInt8]], using rng: inout SeededGenerator) -> [UInt8] {
    var out = input
    for _ in 0..<Int.random(in: 1...6, using: &rng) {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0 where !out.isEmpty:
            out[Int.random(in: 0..<out.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        case 1:
            let token = tokens[Int.random(in: 0..<tokens.count, using: &rng)]
            out.insert(contentsOf: token, at: Int.random(in: 0...out.count, using: &rng))
        case 2 where out.count > 1:
            let a = Int.random(in: 0..<out.count, using: &rng)
            let b = min(out.count, a + Int.random(in: 1...16, using: &rng))
            out.removeSubrange(a..<b)
        case 3 where !out.isEmpty:
            let a = Int.random(in: 0..<out.count, using: &rng)
            let b = min(out.count, a + Int.random(in: 1...32, using: &rng))
            out.insert(contentsOf: out[a..<b], at: Int.random(in: 0...out.count, using: &rng))
        case 4:
            out.append(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        default:
            if !out.isEmpty { out[Int.random(in: 0..<out.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng) }
        }
    }
    return out
}

@Suite struct FuzzTests {
    static let httpCorpus: [[UInt8]] = [
        HTTPRequestParserTests.getRequest, HTTPRequestParserTests.postRequest, HTTPRequestParserTests.chunkedRequest,
        HTTPRequestParserTests.getRequest + HTTPRequestParserTests.postRequest,
        "POST /v3/watch HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n{\"create_request\":{\"key\":\"\"}}\r\n0\r\n\r\n",
    ].map { bytes($0) }
    static let httpTokens: [[UInt8]] = ["\r\n", "\n", "\r", ":", " ", "\t", "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n",
                                        "0\r\n\r\n", "ffffffffffffffff\r\n", ";", "HTTP/1.0", "Host: x\r\n", "\r\n\r\n", "\u{0}"].map { bytes($0) }

    /// 20,000 mutated requests per seed: the parser never traps, never over-consumes, always
    /// terminates, and gives the same verdict whether the bytes arrive whole or split in two.
    @Test(arguments: [UInt64(1), 0xC0FFEE])
    func httpParserSurvivesMutations(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var mismatches = 0
        var errors = 0
        for iteration in 0..<10_000 {
            let base = Self.httpCorpus[Int.random(in: 0..<Self.httpCorpus.count, using: &rng)]
            let input = mutate(base, tokens: Self.httpTokens, using: &rng)
            let cut = Int.random(in: 0...input.count, using: &rng)
            let whole = parseStream(input, maxHeaderBytes: 512)
            let split = parseStream(input, cuts: [cut], maxHeaderBytes: 512)
            if let error = whole.error {
                errors += 1
                #expect((400..<600).contains(error.statusCode))
            }
            if whole != split {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("seed \(seed) iteration \(iteration) cut \(cut): \(input) whole=\(whole) split=\(split)")
                }
            }
        }
        #expect(mismatches == 0, "replay with seed \(seed)")
        #expect(errors > 1000, "mutations too gentle: \(errors) errors")   // the generator must actually hit the error paths
    }

    @Test(arguments: [UInt64(7), 0xBADF00D])
    func frameDecoderSurvivesMutations(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var corpus: [[UInt8]] = []
        for frames in PeerFrameCodecTests.sample.indices.map({ Array(PeerFrameCodecTests.sample[$0...]) }) {
            corpus.append(PeerFrameCodecTests.encode(frames))
        }
        let tokens: [[UInt8]] = [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [1], [2], [3], [0x7F]]
        var mismatches = 0
        var rejected = 0
        for iteration in 0..<10_000 {
            let input = mutate(corpus[Int.random(in: 0..<corpus.count, using: &rng)], tokens: tokens, using: &rng)
            let cut = Int.random(in: 0...input.count, using: &rng)
            let whole = decodeFrames(input, maxPayload: 4096)
            let split = decodeFrames(input, cuts: [cut], maxPayload: 4096)
            if whole.error != nil { rejected += 1 }
            if whole.frames != split.frames || whole.error != split.error {
                mismatches += 1
                if mismatches <= 3 { Issue.record("seed \(seed) iteration \(iteration) cut \(cut): \(input)") }
            }
        }
        #expect(mismatches == 0, "replay with seed \(seed)")
        #expect(rejected > 1000, "mutations too gentle: \(rejected) rejected")
    }
}
