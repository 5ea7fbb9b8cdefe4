import Testing
@testable import Wire

/// Decodes every frame in `input` fed in pieces cut at `cuts`.
func decodeFrames(_ input: [UInt8], cuts: [Int] = [], maxPayload: Int = 1 << 20) -> (frames: [PeerFrame], error: PeerFrameError?) {
    let decoder = PeerFrameDecoder(maxPayloadBytes: maxPayload)
    var frames: [PeerFrame] = []
    var buffer: [UInt8] = []
    var start = 0
    for piece in pieces(of: input, cutAt: cuts) {
        buffer.append(contentsOf: piece)
        while true {
            var step: (frame: PeerFrame?, consumed: Int) = (nil, 0)
            var failure: PeerFrameError?
            buffer.withUnsafeBytes { raw in
                do throws(PeerFrameError) {
                    step = try decoder.next(UnsafeRawBufferPointer(rebasing: raw[start...]))
                } catch { failure = error }
            }
            if let failure { return (frames, failure) }
            guard let frame = step.frame else { break }
            start += step.consumed
            frames.append(frame)
        }
    }
    return (frames, nil)
}

@Suite struct PeerFrameCodecTests {
    static let sample: [PeerFrame] = [
        .hello(nodeID: 7, clusterID: 0xC1),
        .messages([]),
        .messages([[0xAA]]),
        .messages([[1, 2, 3], [], Array(repeating: 9, count: 300)]),
        .snapshotChunk(PeerSnapshotChunk(snapshotID: 3, totalBytes: 10, offset: 4, bytes: [1, 2, 3, 4, 5, 6])),
    ]

    static func encode(_ frames: [PeerFrame]) -> [UInt8] {
        var out: [UInt8] = []
        for frame in frames { PeerFrameEncoder.append(frame, to: &out) }
        return out
    }

    @Test func documentedExampleLayout() {
        var out: [UInt8] = []
        PeerFrameEncoder.appendMessages([[0xAA]], to: &out)
        #expect(Array(out[0..<5]) == [9, 0, 0, 0, 2])
        #expect(Array(out[9...]) == [1, 0, 0, 0, 1, 0, 0, 0, 0xAA])
    }

    @Test func roundTripSplitAtEveryOffset() {
        let bytes = Self.encode(Self.sample)
        #expect(decodeFrames(bytes).frames == Self.sample)
        for cut in 1..<bytes.count {
            let result = decodeFrames(bytes, cuts: [cut])
            #expect(result.frames == Self.sample && result.error == nil, "cut \(cut)")
        }
        #expect(decodeFrames(bytes, cuts: Array(1..<bytes.count)).frames == Self.sample)
    }

    @Test func truncatedStreamYieldsOnlyCompleteFrames() {
        let bytes = Self.encode(Self.sample)
        for length in 0..<bytes.count {
            let result = decodeFrames(Array(bytes[0..<length]))
            #expect(result.error == nil)
            #expect(result.frames == Array(Self.sample.prefix(result.frames.count)))
            #expect(result.frames.count < Self.sample.count)
        }
    }

    @Test func everySingleBitFlipIsDetectedOrHarmless() {
        // Flipping any bit either fails decoding or (in the length field) leaves the frame incomplete;
        // it never yields a different frame.
        let bytes = Self.encode([.messages([[1, 2, 3, 4], [5, 6]])])
        for index in 0..<bytes.count {
            for bit in 0..<8 {
                var corrupted = bytes
                corrupted[index] ^= UInt8(1 << bit)
                let result = decodeFrames(corrupted)
                #expect(result.frames.isEmpty, "flip byte \(index) bit \(bit)")
            }
        }
    }

    @Test func hostileHeaders() {
        var big: [UInt8] = [0xFF, 0xFF, 0xFF, 0x7F, 2, 0, 0, 0, 0]
        #expect(decodeFrames(big).error == .frameTooLarge(length: 0x7FFF_FFFF, limit: 1 << 20))
        big[0...3] = [1, 0, 0, 0]
        big[4] = 99
        #expect(decodeFrames(big).error == .unknownType(99))
        // A messages frame claiming a huge count in a tiny payload.
        var out: [UInt8] = []
        PeerFrameEncoder.appendMessages([[1]], to: &out)
        out[9] = 0xFF; out[10] = 0xFF
        let crcFixed = refreshCRC(out)
        if case .malformedPayload(type: 2, _)? = decodeFrames(crcFixed).error {} else {
            Issue.record("expected malformed payload, got \(String(describing: decodeFrames(crcFixed).error))")
        }
    }

    func refreshCRC(_ frame: [UInt8]) -> [UInt8] {
        // Re-encode the checksum so the payload check, not the CRC, is what rejects the frame.
        var copy = frame
        let crc = copy.withUnsafeBytes { raw in
            csystemCRC(raw, from: 4, count: 1, then: 9, count2: raw.count - 9)
        }
        withUnsafeBytes(of: crc.littleEndian) { copy[5..<9] = ArraySlice($0) }
        return copy
    }
}

import CSystem
func csystemCRC(_ raw: UnsafeRawBufferPointer, from a: Int, count: Int, then b: Int, count2: Int) -> UInt32 {
    csystem_crc32c(csystem_crc32c(0, raw.baseAddress! + a, count), raw.baseAddress! + b, count2)
}

@Suite struct PeerSnapshotAssemblerTests {
    @Test(arguments: [1, 7, 64, 1000])
    func reassemblesInOrder(chunkSize: Int) throws {
        let snapshot = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var assembler = PeerSnapshotAssembler()
        var result: [UInt8]?
        var offset = 0
        while offset < snapshot.count {
            let end = min(snapshot.count, offset + chunkSize)
            result = try assembler.add(PeerSnapshotChunk(snapshotID: 1, totalBytes: 1000, offset: UInt64(offset),
                                                         bytes: Array(snapshot[offset..<end])))
            offset = end
            if offset < snapshot.count { #expect(result == nil) }
        }
        #expect(result == snapshot)
    }

    @Test func rejectsGapsAndOversize() {
        var assembler = PeerSnapshotAssembler(maxBytes: 100)
        #expect(throws: PeerSnapshotError.tooLarge(totalBytes: 101, limit: 100)) {
            try assembler.add(PeerSnapshotChunk(snapshotID: 1, totalBytes: 101, offset: 0, bytes: [1]))
        }
        #expect(throws: PeerSnapshotError.unexpectedOffset(expected: 0, got: 5)) {
            try assembler.add(PeerSnapshotChunk(snapshotID: 1, totalBytes: 10, offset: 5, bytes: [1]))
        }
    }
}
