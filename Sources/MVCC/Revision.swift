/// A point in the keyspace's history: the main revision of a request and the sub revision of one
/// write inside it (a Txn writing three keys uses subs 0, 1, 2 of one main revision).
public struct Revision: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The store-wide revision bumped once per writing request.
    public var main: Int64
    /// The index of the write inside its request, from 0.
    public var sub: Int64

    /// A revision with the given main and sub parts.
    @inlinable
    public init(main: Int64, sub: Int64 = 0) {
        self.main = main
        self.sub = sub
    }

    @inlinable
    public static func < (lhs: Revision, rhs: Revision) -> Bool {
        lhs.main != rhs.main ? lhs.main < rhs.main : lhs.sub < rhs.sub
    }

    public var description: String { "\(main).\(sub)" }

    /// Appends the order-preserving 16-byte big-endian encoding (main then sub) to `bytes`.
    public func appendOrderPreserving(to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: main) >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: sub) >> UInt64(shift))) }
    }
}
