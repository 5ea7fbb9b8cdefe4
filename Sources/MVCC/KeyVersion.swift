/// One stored version of a key: what a Put (or a tombstone, for a delete) wrote at `modRevision`.
///
/// A tombstone has `version == 0` and `createRevision == 0`; it ends a generation of the key.
public struct KeyVersion: Sendable, Equatable {
    /// The revision of the write (main revision of its request, sub revision inside it).
    public var modRevision: Revision
    /// The main revision of the Put that created the key's current generation (0 for a tombstone).
    public var createRevision: Int64
    /// 1 on create, +1 per later Put in the same generation; 0 marks a tombstone.
    public var version: Int64
    /// The lease the key was attached to by this write (0 for none).
    public var lease: Int64
    /// The value written (empty for a tombstone).
    public var value: [UInt8]

    /// A version as written by a Put or a tombstone.
    @inlinable
    public init(modRevision: Revision, createRevision: Int64, version: Int64, lease: Int64, value: [UInt8]) {
        self.modRevision = modRevision
        self.createRevision = createRevision
        self.version = version
        self.lease = lease
        self.value = value
    }

    /// A tombstone written at `revision`.
    @inlinable
    public static func tombstone(at revision: Revision) -> KeyVersion {
        KeyVersion(modRevision: revision, createRevision: 0, version: 0, lease: 0, value: [])
    }

    /// Whether this version records a deletion.
    @inlinable
    public var isTombstone: Bool { version == 0 }

    /// The etcd `KeyValue` of this version under `key`.
    @inlinable
    public func keyValue(key: [UInt8]) -> KeyValue {
        KeyValue(key: key, createRevision: createRevision, modRevision: modRevision.main,
                 version: version, value: value, lease: lease)
    }
}
