/// A key a ``BTree`` can summarize in 8 bytes, so a node search scans a dense array of integers and
/// touches the keys themselves (for byte keys, a pointer chase and likely a cache miss) only on ties.
///
/// Each node stores, per key, a *hint*: 8 order-preserving bytes taken after the prefix that all keys of
/// the node share (keys of one node are neighbours, so for paths like `/registry/pods/ns/...` that
/// prefix is long and the hint holds the part that differs).
public protocol BTreeKey: Comparable {
    /// How many leading units (bytes) `a` and `b` share; 0 for keys whose hint starts at their beginning.
    static func sharedPrefixLength(_ a: Self, _ b: Self) -> Int
    /// An 8-byte summary of the key from `offset` on: for keys sharing their first `offset` units,
    /// `hint(a) < hint(b)` implies `a < b`; equal hints decide nothing.
    func hint(from offset: Int) -> UInt64
}

extension ByteKey: BTreeKey {
    /// The length of the common prefix of the two keys' bytes.
    @inlinable
    public static func sharedPrefixLength(_ a: ByteKey, _ b: ByteKey) -> Int {
        a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in
                let common = Swift.min(x.count, y.count)
                var index = 0
                while index + 8 <= common,
                      x.loadUnaligned(fromByteOffset: index, as: UInt64.self) == y.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                    index += 8
                }
                while index < common && x[index] == y[index] { index += 1 }
                return index
            }
        }
    }

    /// Bytes `offset..<offset+8` as a big-endian integer, zero-padded past the end.
    @inlinable
    public func hint(from offset: Int) -> UInt64 {
        bytes.withUnsafeBytes { buffer in
            if offset + 8 <= buffer.count {
                return buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self).bigEndian
            }
            var value: UInt64 = 0
            var index = offset
            var shift: UInt64 = 56
            while index < buffer.count {
                value |= UInt64(buffer[index]) << shift
                index += 1
                shift &-= 8
            }
            return value
        }
    }
}

extension Revision: BTreeKey {
    /// Revisions have no shared prefix: the hint is the main revision.
    @inlinable
    public static func sharedPrefixLength(_ a: Revision, _ b: Revision) -> Int { 0 }

    /// The main revision, biased so that the unsigned order matches the signed one.
    @inlinable
    public func hint(from offset: Int) -> UInt64 { UInt64(bitPattern: main) ^ (1 << 63) }
}

extension Int: BTreeKey {
    /// Integers have no shared prefix.
    @inlinable
    public static func sharedPrefixLength(_ a: Int, _ b: Int) -> Int { 0 }

    /// The value, biased so that the unsigned order matches the signed one.
    @inlinable
    public func hint(from offset: Int) -> UInt64 { UInt64(bitPattern: Int64(self)) ^ (1 << 63) }
}
