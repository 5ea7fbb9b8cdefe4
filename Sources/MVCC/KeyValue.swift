/// etcd's `mvccpb.KeyValue`: a key's state at some revision.
public struct KeyValue: Sendable, Equatable, Hashable {
    /// The key.
    public var key: [UInt8]
    /// Main revision of the Put that created the key's current generation.
    public var createRevision: Int64
    /// Main revision of the last write to the key.
    public var modRevision: Int64
    /// 1 on create, +1 per modification.
    public var version: Int64
    /// The value (empty when keys_only was asked).
    public var value: [UInt8]
    /// The attached lease ID, 0 for none.
    public var lease: Int64

    /// A key/value with every field given.
    public init(key: [UInt8], createRevision: Int64, modRevision: Int64, version: Int64, value: [UInt8], lease: Int64 = 0) {
        self.key = key
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.value = value
        self.lease = lease
    }
}

/// etcd's `mvccpb.Event`: one write seen by a watcher.
public struct Event: Sendable, Equatable {
    /// PUT (0) or DELETE (1), numbered as in etcd.
    public enum Kind: Int, Sendable, Equatable {
        /// A key was written.
        case put = 0
        /// A key was deleted: `kv` holds only the key and the deleting mod_revision.
        case delete = 1
    }

    /// PUT or DELETE.
    public var kind: Kind
    /// For PUT the new state; for DELETE the key and mod_revision of the deletion.
    public var kv: KeyValue
    /// The key's state just before this event, when it existed and is still retained.
    public var prevKV: KeyValue?
    /// The sub revision of the write inside its request (orders events of one txn).
    public var sub: Int64

    /// An event with every field given.
    public init(kind: Kind, kv: KeyValue, prevKV: KeyValue?, sub: Int64 = 0) {
        self.kind = kind
        self.kv = kv
        self.prevKV = prevKV
        self.sub = sub
    }

    /// The event's full revision.
    public var revision: Revision { Revision(main: kv.modRevision, sub: sub) }
}
