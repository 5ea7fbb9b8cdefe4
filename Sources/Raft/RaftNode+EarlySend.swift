extension RaftNode {
    /// Takes the messages that may leave while the caller is still persisting a ``Ready`` (between
    /// ``ready()`` and ``advance(_:)``): heartbeats from ticks, the leader's appends of entries
    /// proposed since the `Ready` (one broadcast, as ``ready()`` would do it), snapshots, forwarded
    /// proposals and read-index traffic — only kinds that are ``Message/Kind/isSafeBeforePersist``.
    /// Votes, vote replies and acknowledgements stay for a later `Ready`'s `messagesAfterPersist`,
    /// which goes out after the caller's fsync.
    ///
    /// A caller that persists on another thread calls this while it waits, so a slow fsync on the
    /// leader neither silences its heartbeats (followers would start an election) nor holds back
    /// the next entries from followers, whose acknowledgements can commit them meanwhile (the leader
    /// counts its own copy only at ``advance(_:)``). Calling it with no `Ready` outstanding is
    /// allowed too: the messages would otherwise have gone out with the next `Ready`.
    public mutating func takeMessagesSafeBeforePersist() -> [Message] {
        if broadcastPending && role == .leader {
            broadcastAppend()
            broadcastPending = false
        }
        let taken = outbox
        outbox = []
        return taken
    }
}
