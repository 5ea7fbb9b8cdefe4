/// A key's stored record as the etcd API reports it (`mvccpb.KeyValue`).
public struct KeyValue: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The key.
    public var key: String
    /// The value.
    public var value: String
    /// The revision at which the key was created (since its last deletion).
    public var createRevision: Int64
    /// The revision of the last change to the key.
    public var modRevision: Int64
    /// 1 on create, +1 per change.
    public var version: Int64
    /// The attached lease, 0 for none.
    public var lease: Int64

    /// Creates a record.
    public init(key: String, value: String, createRevision: Int64, modRevision: Int64, version: Int64, lease: Int64 = 0) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }

    /// Orders by key (byte order of the UTF-8 encoding, like etcd).
    public static func < (lhs: KeyValue, rhs: KeyValue) -> Bool { keyLess(lhs.key, rhs.key) }

    /// A compact rendering for violation reports.
    public var description: String {
        var text = "\(key)=\(quoted(value)) create=\(createRevision) mod=\(modRevision) ver=\(version)"
        if lease != 0 { text += " lease=\(lease)" }
        return text
    }
}

/// Byte-wise comparison of the UTF-8 encodings (etcd orders keys by bytes).

func keyLess(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

/// A string in double quotes for reports.
func quoted(_ text: String) -> String { "\"" + text + "\"" }
