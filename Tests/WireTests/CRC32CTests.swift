import Testing
import CSystem

@Suite struct CRC32CTests {
    @Test func knownVector() {
        // The standard check value of CRC-32C for "123456789".
        let bytes = Array("123456789".utf8)
        #expect(csystem_crc32c(0, bytes, bytes.count) == 0xE306_9283)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 100, 4097])
    func incrementalMatchesWhole(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = csystem_crc32c(0, bytes, bytes.count)
        let split = length / 3
        let first = bytes.withUnsafeBufferPointer { csystem_crc32c(0, $0.baseAddress, split) }
        let both = bytes.withUnsafeBufferPointer { csystem_crc32c(first, $0.baseAddress! + split, length - split) }
        #expect(whole == both)
    }
}
