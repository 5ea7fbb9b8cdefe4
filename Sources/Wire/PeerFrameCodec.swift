import CSystem

/// Encodes peer frames (see ``PeerFrame`` for the layout).
public enum PeerFrameEncoder {
    /// Appends a hello frame.
    public static func appendHello(nodeID: UInt64, clusterID: UInt64, to out: inout [UInt8]) {
        appendFrame(kind: .hello, payloadBytes: 18, to: &out) { out in
            appendLE(PeerFrame.version, to: &out)
            appendLE(nodeID, to: &out)
            appendLE(clusterID, to: &out)
        }
    }

    /// Appends a messages frame carrying `messages` (the caller keeps it under the frame limit).
    public static func appendMessages<C: Collection>(_ messages: C, to out: inout [UInt8]) where C.Element == [UInt8] {
        let payload = 4 + messages.reduce(0) { $0 + 4 + $1.count }
        appendFrame(kind: .messages, payloadBytes: payload, to: &out) { out in
            appendLE(UInt32(messages.count), to: &out)
            for message in messages {
                appendLE(UInt32(message.count), to: &out)
                out.append(contentsOf: message)
            }
        }
    }

    /// Appends a snapshot-chunk frame.
    public static func appendSnapshotChunk(_ chunk: PeerSnapshotChunk, to out: inout [UInt8]) {
        appendFrame(kind: .snapshotChunk, payloadBytes: 24 + chunk.bytes.count, to: &out) { out in
            appendLE(chunk.snapshotID, to: &out)
            appendLE(chunk.totalBytes, to: &out)
            appendLE(chunk.offset, to: &out)
            out.append(contentsOf: chunk.bytes)
        }
    }

    /// Appends any frame.
    public static func append(_ frame: PeerFrame, to out: inout [UInt8]) {
        switch frame {
        case .hello(let node, let cluster): appendHello(nodeID: node, clusterID: cluster, to: &out)
        case .messages(let messages): appendMessages(messages, to: &out)
        case .snapshotChunk(let chunk): appendSnapshotChunk(chunk, to: &out)
        }
    }

    private static func appendFrame(kind: PeerFrame.Kind, payloadBytes: Int, to out: inout [UInt8],
                                    payload: (inout [UInt8]) -> Void) {
        let start = out.count
        out.reserveCapacity(start + PeerFrame.headerBytes + payloadBytes)
        appendLE(UInt32(payloadBytes), to: &out)
        out.append(kind.rawValue)
        appendLE(UInt32(0), to: &out)
        payload(&out)
        precondition(out.count - start - PeerFrame.headerBytes == payloadBytes, "peer frame size mismatch")
        let crc = out.withUnsafeBytes { raw in
            let typeCRC = csystem_crc32c(0, raw.baseAddress! + start + 4, 1)
            return csystem_crc32c(typeCRC, raw.baseAddress! + start + PeerFrame.headerBytes, payloadBytes)
        }
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 5, as: UInt32.self)
        }
    }

    static func appendLE<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// Decodes a peer byte stream into frames, incrementally; nothing a peer sends can crash it.
public struct PeerFrameDecoder: Sendable {
    /// Largest accepted payload.
    public let maxPayloadBytes: Int

    /// Makes a decoder; frames above `maxPayloadBytes` are an error.
    public init(maxPayloadBytes: Int = 16 << 20) {
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Decodes the next frame from `bytes` (the unconsumed input).
    /// - Returns: the frame (nil when more bytes are needed) and the bytes consumed.
    /// - Throws: ``PeerFrameError``; the stream is then unusable.
    public func next(_ bytes: UnsafeRawBufferPointer) throws(PeerFrameError) -> (frame: PeerFrame?, consumed: Int) {
        guard bytes.count >= PeerFrame.headerBytes else { return (nil, 0) }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        if length > maxPayloadBytes { throw .frameTooLarge(length: length, limit: maxPayloadBytes) }
        let type = bytes[4]
        guard let kind = PeerFrame.Kind(rawValue: type) else { throw .unknownType(type) }
        guard bytes.count >= PeerFrame.headerBytes + length else { return (nil, 0) }
        let expected = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 5, as: UInt32.self))
        let actual = csystem_crc32c(csystem_crc32c(0, bytes.baseAddress! + 4, 1),
                                    bytes.baseAddress! + PeerFrame.headerBytes, length)
        guard expected == actual else { throw .checksumMismatch(expected: expected, actual: actual) }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[PeerFrame.headerBytes..<(PeerFrame.headerBytes + length)])
        let frame = try Self.decodePayload(kind: kind, payload)
        return (frame, PeerFrame.headerBytes + length)
    }

    private static func decodePayload(kind: PeerFrame.Kind, _ p: UnsafeRawBufferPointer) throws(PeerFrameError) -> PeerFrame {
        switch kind {
        case .hello:
            guard p.count == 18 else { throw .malformedPayload(type: kind.rawValue, reason: "hello size \(p.count)") }
            let version = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
            guard version == PeerFrame.version else { throw .malformedPayload(type: kind.rawValue, reason: "version \(version)") }
            return .hello(nodeID: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt64.self)),
                          clusterID: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 10, as: UInt64.self)))
        case .messages:
            guard p.count >= 4 else { throw .malformedPayload(type: kind.rawValue, reason: "no count") }
            let count = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            // Every message needs at least its 4-byte length: bound the count before allocating.
            guard count <= (p.count - 4) / 4 else { throw .malformedPayload(type: kind.rawValue, reason: "count \(count)") }
            var messages: [[UInt8]] = []
            messages.reserveCapacity(count)
            var offset = 4
            for _ in 0..<count {
                guard p.count - offset >= 4 else { throw .malformedPayload(type: kind.rawValue, reason: "truncated length") }
                let length = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
                guard p.count - offset >= length else { throw .malformedPayload(type: kind.rawValue, reason: "truncated message") }
                messages.append(Array(UnsafeRawBufferPointer(rebasing: p[offset..<(offset + length)])))
                offset += length
            }
            guard offset == p.count else { throw .malformedPayload(type: kind.rawValue, reason: "trailing bytes") }
            return .messages(messages)
        case .snapshotChunk:
            guard p.count >= 24 else { throw .malformedPayload(type: kind.rawValue, reason: "short chunk header") }
            let id = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let total = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let offset = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            let count = UInt64(p.count - 24)
            guard offset <= total, count <= total - offset else {
                throw .malformedPayload(type: kind.rawValue, reason: "chunk outside snapshot")
            }
            return .snapshotChunk(PeerSnapshotChunk(snapshotID: id, totalBytes: total, offset: offset,
                                                    bytes: Array(UnsafeRawBufferPointer(rebasing: p[24...]))))
        }
    }
}
