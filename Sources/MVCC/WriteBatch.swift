/// The writes of one request in progress: its main revision, the next sub revision, and the events
/// produced so far (collected only when some watcher exists).
struct WriteBatch {
    /// The main revision every write of this request gets.
    let main: Int64
    /// The sub revision of the next write.
    var nextSub: Int64 = 0
    /// Whether to build events.
    let collectEvents: Bool
    /// Events in write order.
    var events: [Event] = []

    init(main: Int64, collectEvents: Bool) {
        self.main = main
        self.collectEvents = collectEvents
    }

    /// Whether anything was written.
    var wroteAnything: Bool { nextSub > 0 }

    /// Takes the revision for the next write.
    mutating func nextRevision() -> Revision {
        defer { nextSub += 1 }
        return Revision(main: main, sub: nextSub)
    }
}

extension KeyspaceState {
    /// Checks a Put against the current state without changing anything.
    func validate(_ put: PutRequest) throws(MVCCError) {
        if put.key.isEmpty { throw .emptyKey }
        if put.ignoreValue && !put.value.isEmpty { throw .valueProvided }
        if put.ignoreLease && put.lease != 0 { throw .leaseProvided }
        if put.lease != 0 && leases[put.lease] == nil { throw .leaseNotFound(put.lease) }
        if put.ignoreValue || put.ignoreLease {
            if keys.value(forKey: ByteKey(put.key))?.current == nil { throw .keyNotFound(put.key) }
        }
    }

    /// Writes a validated Put into `batch`, returning the key's previous live state.
    @discardableResult
    mutating func applyPut(_ put: PutRequest, batch: inout WriteBatch) -> KeyVersion? {
        let key = ByteKey(put.key)
        let revision = batch.nextRevision()
        var previous: KeyVersion?
        var written: KeyVersion?
        var created = false
        keys.upsert(key, default: {
            created = true
            let first = KeyVersion(modRevision: revision, createRevision: revision.main, version: 1, lease: put.lease, value: put.value)
            written = first
            return KeyIndex(first)
        }) { index in
            if created { return }
            previous = index.current
            let version = KeyVersion(
                modRevision: revision,
                createRevision: previous?.createRevision ?? revision.main,
                version: (previous?.version ?? 0) + 1,
                lease: put.ignoreLease ? (previous?.lease ?? 0) : put.lease,
                value: put.ignoreValue ? (previous?.value ?? []) : put.value)
            written = version
            index.append(version)
        }
        guard let written else { preconditionFailure("applyPut: no version written") }
        history.updateValue(key, forKey: revision)
        let oldLease = previous?.lease ?? 0
        if oldLease != written.lease {
            if oldLease != 0 { leases[oldLease]?.keys.remove(key) }
            if written.lease != 0 { leases[written.lease]?.keys.insert(key) }
        }
        if batch.collectEvents {
            batch.events.append(Event(kind: .put, kv: written.keyValue(key: put.key),
                                      prevKV: previous?.keyValue(key: put.key), sub: revision.sub))
        }
        return previous
    }

    /// Deletes every live key in `interval` at the batch's revision, returning the deleted states in key order.
    mutating func applyDelete(_ interval: KeyInterval, batch: inout WriteBatch) -> [KeyValue] {
        var doomed: [(ByteKey, KeyVersion)] = []
        interval.forEach(in: keys) { key, index in
            if let live = index.current { doomed.append((key, live)) }
            return true
        }
        var deleted: [KeyValue] = []
        deleted.reserveCapacity(doomed.count)
        for (key, live) in doomed {
            let revision = batch.nextRevision()
            keys.upsert(key, default: { preconditionFailure("applyDelete: key vanished") }) { index in
                index.append(.tombstone(at: revision))
            }
            history.updateValue(key, forKey: revision)
            if live.lease != 0 { leases[live.lease]?.keys.remove(key) }
            let previous = live.keyValue(key: key.bytes)
            deleted.append(previous)
            if batch.collectEvents {
                let tombstone = KeyValue(key: key.bytes, createRevision: 0, modRevision: revision.main, version: 0, value: [])
                batch.events.append(Event(kind: .delete, kv: tombstone, prevKV: previous, sub: revision.sub))
            }
        }
        return deleted
    }

    /// Makes the batch's writes visible: bumps the current revision when anything was written.
    mutating func commit(_ batch: WriteBatch) {
        if batch.wroteAnything { currentRevision = batch.main }
    }
}
