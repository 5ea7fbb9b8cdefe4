/// Why a binary input (a Raft entry or a snapshot) was rejected.
public enum DecodeError: Error, Equatable, Sendable {
    /// The input ended inside a field at this offset.
    case truncated(offset: Int)
    /// A tag or enum value that this version does not know.
    case unknownTag(UInt8, offset: Int)
    /// A length or count that cannot be right (negative, or beyond the input).
    case badLength(Int64, offset: Int)
    /// Bytes left over after a complete value.
    case trailingBytes(count: Int)
    /// The snapshot does not start with the expected magic.
    case badMagic
    /// The snapshot's format version is not supported.
    case unsupportedVersion(UInt32)
    /// The checksum in the trailer does not match the contents.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// Well-formed bytes describing an impossible state (e.g. unsorted keys in a snapshot).
    case inconsistent(String)
    /// Nesting deeper than allowed (txn in txn in ...).
    case tooDeep(offset: Int)
}
