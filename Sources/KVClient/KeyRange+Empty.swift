extension KeyRange {
    /// An interval (not one key, not "from key on") whose end is at or before its key: it holds no
    /// key. etcd answers reads and deletes over it as empty and refuses a watch over it.
    public var isEmptyInterval: Bool {
        !end.isEmpty && end != [0] && !key.lexicographicallyPrecedes(end)
    }

    /// etcd's reason for refusing a watch over an empty interval.
    public static let emptyWatchReason = "mvcc: watcher range is empty"
}
