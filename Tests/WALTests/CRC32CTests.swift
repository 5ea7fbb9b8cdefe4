import Checksum
import Raft
import Testing
@testable import WAL

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // RFC 3720 (iSCSI) appendix B.4 vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func slicingMatchesBytewiseAtEveryLengthAndAlignment(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        bytes.withUnsafeBytes { buffer in
            for start in 0..<9 {
                for end in stride(from: start, through: buffer.count, by: 7) {
                    let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                    #expect(CRC32C.checksum(slice) == CRC32C.checksumBytewise(slice), "seed \(seed) range \(start)..<\(end)")
                }
            }
        }
    }

    @Test func continuingEqualsWhole() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        for split in 0...bytes.count {
            let first = CRC32C.checksum(Array(bytes[..<split]))
            #expect(CRC32C.checksum(Array(bytes[split...]), continuing: first) == CRC32C.checksum(bytes))
        }
    }
}
