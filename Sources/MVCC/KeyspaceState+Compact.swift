extension KeyspaceState {
    /// Checks a compaction request: at most the current revision and above the current compact revision.
    func validateCompaction(_ revision: Int64) throws(MVCCError) {
        if revision <= compactRevision { throw .compacted(requested: revision, compactRevision: compactRevision) }
        if revision > currentRevision { throw .futureRevision(requested: revision, currentRevision: currentRevision) }
    }

    /// Physically drops history below `revision` (see ``KeyIndex/compact(at:)``): rebuilds the key index
    /// without dead keys and the history without revisions below it. O(keys + retained history).
    mutating func compact(at revision: Int64) {
        var newKeys = BTree<ByteKey, KeyIndex>(maxKeysPerNode: keys.maxKeysPerNode)
        keys.forEach { key, index in
            var kept = index
            if kept.compact(at: revision) { newKeys.updateValue(kept, forKey: key) }
            return true
        }
        var newHistory = BTree<Revision, ByteKey>(maxKeysPerNode: history.maxKeysPerNode)
        history.forEach(from: Revision(main: revision)) { entry, key in
            newHistory.updateValue(key, forKey: entry)
            return true
        }
        keys = newKeys
        history = newHistory
        compactRevision = revision
    }
}

extension Keyspace {
    /// Compacts at `request.revision`; the revision does not change. Watchers whose next revision falls
    /// below it are cancelled when they next sync.
    /// - Throws: ``MVCCError/compacted(requested:compactRevision:)``, ``MVCCError/futureRevision(requested:currentRevision:)``.
    public func compact(_ request: CompactionRequest) throws(MVCCError) -> ResponseHeader {
        try state.validateCompaction(request.revision)
        state.compact(at: request.revision)
        return ResponseHeader(revision: state.currentRevision)
    }
}
