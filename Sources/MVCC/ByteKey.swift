/// A key of the keyspace: raw bytes ordered lexicographically as unsigned bytes (etcd's order).
///
/// Comparison loads eight bytes at a time as big-endian words, which orders exactly like `memcmp`
/// followed by a length tie-break, without importing the C library.
public struct ByteKey: Comparable, Hashable, Sendable {
    /// The key's bytes.
    public let bytes: [UInt8]

    /// Wraps `bytes` as a key.
    @inlinable
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Three-way comparison: negative, zero or positive like `memcmp`.
    @inlinable
    public func compare(_ other: ByteKey) -> Int {
        bytes.withUnsafeBytes { a in
            other.bytes.withUnsafeBytes { b in
                ByteKey.compare(a, b)
            }
        }
    }

    /// Three-way comparison of two raw byte buffers in unsigned lexicographic order.
    @inlinable
    public static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = Swift.min(a.count, b.count)
        var offset = 0
        while offset + 8 <= common {
            let wordA = a.loadUnaligned(fromByteOffset: offset, as: UInt64.self).bigEndian
            let wordB = b.loadUnaligned(fromByteOffset: offset, as: UInt64.self).bigEndian
            if wordA != wordB { return wordA < wordB ? -1 : 1 }
            offset += 8
        }
        while offset < common {
            let byteA = a[offset], byteB = b[offset]
            if byteA != byteB { return byteA < byteB ? -1 : 1 }
            offset += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    @inlinable
    public static func < (lhs: ByteKey, rhs: ByteKey) -> Bool { lhs.compare(rhs) < 0 }

    @inlinable
    public static func == (lhs: ByteKey, rhs: ByteKey) -> Bool { lhs.bytes == rhs.bytes }

    /// Hashes the bytes (consistent with `==`).
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

extension ByteKey {
    /// The smallest key strictly greater than every key that has `prefix` as a prefix, or `nil` when
    /// no such key exists (the prefix is empty or all 0xFF), meaning "to the end of the keyspace".
    public static func prefixEnd(_ prefix: [UInt8]) -> [UInt8]? {
        var end = prefix
        while let last = end.last {
            if last < 0xFF {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return nil
    }
}
