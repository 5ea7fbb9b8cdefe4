/// The name of a WAL segment file: `<sequence>-<first index>.wal`, both 16 lower-case hex digits.
///
/// `first index` is the index the log's next entry had when the segment was created, so every entry of
/// segment `k` is below the first index of segment `k + 1`; release works on names alone.
struct SegmentName: Equatable, Comparable {
    static let suffix = ".wal"

    var sequence: UInt64
    var firstIndex: UInt64

    var fileName: String { hex16(sequence) + "-" + hex16(firstIndex) + Self.suffix }

    /// Parses a file name ending in `.wal`; nil if it is not in the expected form.
    init?(fileName: String) {
        guard fileName.hasSuffix(Self.suffix),
              let (first, second) = parseHexPair(String(fileName.dropLast(Self.suffix.count)))
        else { return nil }
        sequence = first
        firstIndex = second
    }

    init(sequence: UInt64, firstIndex: UInt64) {
        self.sequence = sequence
        self.firstIndex = firstIndex
    }

    static func < (lhs: SegmentName, rhs: SegmentName) -> Bool { lhs.sequence < rhs.sequence }
}

/// The name of a snapshot file: `<index>-<term>.snap`, both 16 lower-case hex digits.
struct SnapshotName: Equatable, Comparable {
    static let suffix = ".snap"

    var index: UInt64
    var term: UInt64

    var fileName: String { hex16(index) + "-" + hex16(term) + Self.suffix }

    /// Parses a file name ending in `.snap`; nil if it is not in the expected form.
    init?(fileName: String) {
        guard fileName.hasSuffix(Self.suffix),
              let (first, second) = parseHexPair(String(fileName.dropLast(Self.suffix.count)))
        else { return nil }
        index = first
        term = second
    }

    init(index: UInt64, term: UInt64) {
        self.index = index
        self.term = term
    }

    static func < (lhs: SnapshotName, rhs: SnapshotName) -> Bool { (lhs.index, lhs.term) < (rhs.index, rhs.term) }
}

/// Suffix of files being written that become real only when renamed; removed at recovery.
let temporarySuffix = ".tmp"

/// Suffix of the copies of torn tails cut at recovery, kept for inspection.
let tornSuffix = ".torn"

func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

private func parseHexPair(_ text: String) -> (UInt64, UInt64)? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 16, parts[1].count == 16,
          let first = UInt64(parts[0], radix: 16), let second = UInt64(parts[1], radix: 16),
          first <= maximumLogIndex, second <= maximumLogIndex
    else { return nil }
    return (first, second)
}
