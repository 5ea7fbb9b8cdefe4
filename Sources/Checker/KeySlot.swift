/// What one key holds in the revision-free per-key model: absent, or a value with its version and lease.
public struct KeySlot: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Whether the key exists.
    public var exists: Bool
    /// The value ("" when absent).
    public var value: String
    /// The version (0 when absent).
    public var version: Int64
    /// The lease (0 for none or absent).
    public var lease: Int64

    /// The absent key.
    public static let absent = KeySlot(exists: false, value: "", version: 0, lease: 0)

    /// Creates a slot.
    public init(exists: Bool, value: String, version: Int64, lease: Int64) {
        self.exists = exists
        self.value = value
        self.version = version
        self.lease = lease
    }

    /// The slot a record describes (revisions dropped).
    public init(_ kv: KeyValue?) {
        if let kv { self.init(exists: true, value: kv.value, version: kv.version, lease: kv.lease) } else { self = .absent }
    }

    /// Orders slots so sets of them have one canonical array form.
    public static func < (lhs: KeySlot, rhs: KeySlot) -> Bool {
        (lhs.exists ? 1 : 0, lhs.version, lhs.lease) < (rhs.exists ? 1 : 0, rhs.version, rhs.lease)
            || ((lhs.exists ? 1 : 0, lhs.version, lhs.lease) == (rhs.exists ? 1 : 0, rhs.version, rhs.lease) && keyLess(lhs.value, rhs.value))
    }

    /// `"v" ver=2` or `(absent)`.
    public var description: String {
        exists ? "\(quoted(value)) ver=\(version)" + (lease == 0 ? "" : " lease=\(lease)") : "(absent)"
    }

    func applying(_ write: TxnWrite?) -> KeySlot {
        switch write {
        case nil: self
        case .put(_, let value, let lease): KeySlot(exists: true, value: value, version: version + 1, lease: lease)
        case .delete: .absent
        }
    }
}
