/// One message a watch stream delivered.
public enum WatchResponse: Hashable, Sendable {
    /// A batch of events (etcd never splits one revision across batches).
    case events([WatchEvent])
    /// A progress notification: every event up to this revision has been delivered.
    case progress(revision: Int64)
    /// The watch was cancelled because its start revision was compacted.
    case canceled(compactRevision: Int64)
}

/// Everything one watch stream delivered, as the recorder saw it.
///
/// A resumed watch (reopened with `start_revision = last + 1`) is a new record; each
/// record is checked on its own against the committed log, which is what proves that
/// resuming continues exactly.
public struct WatchRecord: Hashable, Sendable {
    /// The watched key, or prefix when `prefix` is true.
    public var key: String
    /// Whether `key` is a prefix.
    public var prefix: Bool
    /// The first revision the stream must deliver (inclusive). For a watch opened without
    /// one, pass the creation response's header revision + 1.
    public var startRevision: Int64
    /// Whether the watch asked for prev_kv.
    public var wantsPreviousKV: Bool
    /// What it delivered, in order.
    public var responses: [WatchResponse]
    /// A name for reports (watcher id, member).
    public var name: String

    /// Creates a record.
    public init(key: String, prefix: Bool, startRevision: Int64, wantsPreviousKV: Bool, responses: [WatchResponse], name: String = "") {
        self.key = key
        self.prefix = prefix
        self.startRevision = startRevision
        self.wantsPreviousKV = wantsPreviousKV
        self.responses = responses
        self.name = name
    }

    /// Whether the watch covers `key`.
    public func covers(_ other: String) -> Bool {
        prefix ? other.utf8.starts(with: key.utf8) : other == key
    }
}
