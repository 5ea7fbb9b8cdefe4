import Raft

/// The largest log index, term or segment sequence the WAL accepts (2^62): far beyond any real log, and low
/// enough that `index + 1` never overflows anywhere. Larger values are refused on input and treated as
/// damage on disk.
let maximumLogIndex: UInt64 = 1 << 62

/// The largest record the WAL writes (1 GiB): a batch must fit, so lengths always fit their `UInt32` fields.
let maximumRecordBytes = 1 << 30

/// The kinds of WAL record. Raw values are on disk: never renumber.
enum RecordType: UInt8 {
    /// First record of every segment: its sequence and first index, plus the state so far (hard state and
    /// newest snapshot marker), so older segments can be released without losing them.
    case segmentHeader = 1
    /// One `save` call: an optional snapshot marker, an optional hard state, and entries.
    case batch = 2
}

/// A WAL record saying "a snapshot at this position is durable in its file".
///
/// `resetsLog` is true for a snapshot installed from a leader: every entry after `index` recorded before the
/// marker is discarded. A local (compaction) snapshot keeps the entries after it.
struct SnapshotMarker: Equatable, Sendable {
    var index: UInt64
    var term: UInt64
    var resetsLog: Bool
}

/// The decoded payload of a ``RecordType/batch`` record, applied in this order: marker, entries, hard state.
struct BatchRecord: Equatable {
    var snapshotMarker: SnapshotMarker?
    var hardState: HardState?
    var entries: [Entry]
}

/// The decoded payload of a ``RecordType/segmentHeader`` record.
struct SegmentHeader: Equatable {
    static let magic: UInt64 = 0x314C_4157_4E52_4554  // "TERNWAL1" little-endian

    var sequence: UInt64
    var firstIndex: UInt64
    var hardState: HardState?
    var snapshotMarker: SnapshotMarker?
}

/// Encoding and decoding of record payloads. Layouts (little-endian):
///
///     state block:  UInt8 flags (1 = marker present, 2 = hard state present)
///                   [marker: UInt64 index, UInt64 term, UInt8 resetsLog]
///                   [hard state: UInt64 term, UInt64 vote, UInt64 commit]
///     batch:        state block, UInt32 entry count, entries
///     entry:        UInt64 index, UInt64 term, UInt8 kind, UInt32 data length, data
///     segment header: UInt64 magic "TERNWAL1", UInt64 sequence, UInt64 first index, state block
enum RecordCodec {
    static func appendBatch(
        marker: SnapshotMarker?, hardState: HardState?, entries: [Entry], to buffer: inout ByteWriter
    ) {
        RecordFraming.append(type: .batch, to: &buffer) { payload in
            appendStateBlock(marker: marker, hardState: hardState, to: &payload)
            payload.append(UInt32(entries.count))
            for entry in entries {
                payload.append(entry.index)
                payload.append(entry.term)
                payload.append(entry.kind.rawValue)
                payload.append(UInt32(entry.data.count))
                payload.append(contentsOf: entry.data)
            }
        }
    }

    static func appendSegmentHeader(_ header: SegmentHeader, to buffer: inout ByteWriter) {
        RecordFraming.append(type: .segmentHeader, to: &buffer) { payload in
            payload.append(SegmentHeader.magic)
            payload.append(header.sequence)
            payload.append(header.firstIndex)
            appendStateBlock(marker: header.snapshotMarker, hardState: header.hardState, to: &payload)
        }
    }

    private static func appendStateBlock(marker: SnapshotMarker?, hardState: HardState?, to payload: inout ByteWriter) {
        payload.append(UInt8((marker != nil ? 1 : 0) | (hardState != nil ? 2 : 0)))
        if let marker {
            payload.append(marker.index)
            payload.append(marker.term)
            payload.append(UInt8(marker.resetsLog ? 1 : 0))
        }
        if let hardState {
            payload.append(hardState.term)
            payload.append(hardState.vote)
            payload.append(hardState.commit)
        }
    }

    /// Decodes a batch payload; nil if it is malformed (a checksummed record that still does not parse).
    static func decodeBatch(_ buffer: UnsafeRawBufferPointer, payload: Range<Int>) -> BatchRecord? {
        var reader = ByteReader(buffer, from: payload.lowerBound, to: payload.upperBound)
        guard let (marker, hardState) = readStateBlock(&reader), let count = reader.readUInt32() else { return nil }
        guard Int(count) <= reader.remaining / 21 else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let index = reader.readUInt64(), let term = reader.readUInt64(),
                  index <= maximumLogIndex, term <= maximumLogIndex,
                  let kindByte = reader.readUInt8(), let kind = Entry.Kind(rawValue: kindByte),
                  let length = reader.readUInt32(), let data = reader.readBytes(Int(length))
            else { return nil }
            entries.append(Entry(term: term, index: index, kind: kind, data: data))
        }
        guard reader.remaining == 0 else { return nil }
        return BatchRecord(snapshotMarker: marker, hardState: hardState, entries: entries)
    }

    /// Decodes a segment header payload; nil if it is malformed.
    static func decodeSegmentHeader(_ buffer: UnsafeRawBufferPointer, payload: Range<Int>) -> SegmentHeader? {
        var reader = ByteReader(buffer, from: payload.lowerBound, to: payload.upperBound)
        guard reader.readUInt64() == SegmentHeader.magic, let sequence = reader.readUInt64(),
              let firstIndex = reader.readUInt64(), sequence <= maximumLogIndex, firstIndex <= maximumLogIndex,
              let (marker, hardState) = readStateBlock(&reader),
              reader.remaining == 0
        else { return nil }
        return SegmentHeader(sequence: sequence, firstIndex: firstIndex, hardState: hardState, snapshotMarker: marker)
    }

    private static func readStateBlock(_ reader: inout ByteReader) -> (SnapshotMarker?, HardState?)? {
        guard let flags = reader.readUInt8(), flags & ~3 == 0 else { return nil }
        var marker: SnapshotMarker?
        var hardState: HardState?
        if flags & 1 != 0 {
            guard let index = reader.readUInt64(), let term = reader.readUInt64(), let reset = reader.readUInt8(),
                  reset <= 1, index <= maximumLogIndex, term <= maximumLogIndex
            else { return nil }
            marker = SnapshotMarker(index: index, term: term, resetsLog: reset == 1)
        }
        if flags & 2 != 0 {
            guard let term = reader.readUInt64(), let vote = reader.readUInt64(), let commit = reader.readUInt64(),
                  term <= maximumLogIndex, commit <= maximumLogIndex
            else { return nil }
            hardState = HardState(term: term, vote: vote, commit: commit)
        }
        return (marker, hardState)
    }
}
