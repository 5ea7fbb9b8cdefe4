import Checksum
extension KeyspaceState {
    /// The first bytes of every snapshot.
    static let snapshotMagic: [UInt8] = Array("TERNMVCC".utf8)
    /// The snapshot format written by this version.
    public static let snapshotFormatVersion: UInt32 = 1

    /// Serializes the whole replicated state (call it on a ``Keyspace/frozen()`` copy, on any thread).
    ///
    /// Layout (little-endian): magic "TERNMVCC", u32 format version, metadata blob (the caller's, e.g.
    /// the applied Raft index), current and compact revisions, lease-ID generator state, leases by ID,
    /// then every key in key order with all its retained versions, and a CRC-32C of all preceding bytes.
    /// Blobs are a u32 length and the bytes.
    public func encodeSnapshot(metadata: [UInt8] = []) -> [UInt8] {
        var writer = ByteWriter()
        // The exact size: growing by doubling would hold two large buffers at once (and up to twice
        // the image) while a big snapshot is encoded.
        writer.bytes.reserveCapacity(encodedSnapshotByteCount(metadata: metadata))
        writer.bytes.append(contentsOf: Self.snapshotMagic)
        writer.u32(Self.snapshotFormatVersion)
        writer.blob(metadata)
        writer.i64(currentRevision)
        writer.i64(compactRevision)
        writer.u64(leaseIDSequence)
        writer.u32(UInt32(leases.count))
        for id in leases.keys.sorted() {
            guard let lease = leases[id] else { continue }
            writer.i64(lease.id)
            writer.i64(lease.grantedTTLSeconds)
            writer.i64(lease.checkpointedTTLSeconds)
        }
        writer.u32(UInt32(keys.count))
        keys.forEach { key, index in
            writer.blob(key.bytes)
            writer.u32(UInt32(index.versionCount))
            for version in index.older { Self.write(version, to: &writer) }
            Self.write(index.latest, to: &writer)
            return true
        }
        writer.u32(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// The size of ``encodeSnapshot(metadata:)``'s result (one pass over the keys, no copying).
    func encodedSnapshotByteCount(metadata: [UInt8]) -> Int {
        var count = Self.snapshotMagic.count + 4 + (4 + metadata.count) + 8 + 8 + 8 + 4 + leases.count * 24 + 4
        keys.forEach { key, index in
            count += 4 + key.bytes.count + 4 + index.versionCount * (5 * 8 + 4)
            for version in index.older { count += version.value.count }
            count += index.latest.value.count
            return true
        }
        return count + 4
    }

    private static func write(_ version: KeyVersion, to writer: inout ByteWriter) {
        writer.i64(version.modRevision.main)
        writer.i64(version.modRevision.sub)
        writer.i64(version.createRevision)
        writer.i64(version.version)
        writer.i64(version.lease)
        writer.blob(version.value)
    }

    /// Rebuilds a state from ``encodeSnapshot(metadata:)``'s bytes, checking the checksum and that the
    /// contents are consistent (sorted keys, increasing revisions, leases that exist).
    /// - Returns: the state and the caller's metadata blob.
    /// - Throws: a ``DecodeError``; nothing is partially built.
    public static func decodeSnapshot(_ bytes: [UInt8], maxKeysPerNode: Int = 64) throws(DecodeError) -> (state: KeyspaceState, metadata: [UInt8]) {
        if bytes.count < snapshotMagic.count + 8 || Array(bytes[0..<snapshotMagic.count]) != snapshotMagic { throw .badMagic }
        let bodyEnd = bytes.count - 4
        var trailer = ByteReader(bytes, offset: bodyEnd)
        let expected = try trailer.u32()
        let actual = bytes[0..<bodyEnd].withUnsafeBytes { CRC32C.checksum($0) }
        if expected != actual { throw .checksumMismatch(expected: expected, actual: actual) }
        var reader = ByteReader(bytes, offset: snapshotMagic.count, end: bodyEnd)
        let version = try reader.u32()
        if version != snapshotFormatVersion { throw .unsupportedVersion(version) }
        let metadata = try reader.blob()
        var state = KeyspaceState(maxKeysPerNode: maxKeysPerNode)
        state.currentRevision = try reader.i64()
        state.compactRevision = try reader.i64()
        state.leaseIDSequence = try reader.u64()
        if state.currentRevision < 1 || state.compactRevision < 0 || state.compactRevision > state.currentRevision {
            throw .inconsistent("revisions current \(state.currentRevision) compact \(state.compactRevision)")
        }
        let leaseCount = try reader.count(minimumItemBytes: 24)
        for _ in 0..<leaseCount {
            let lease = Lease(id: try reader.i64(), grantedTTLSeconds: try reader.i64(), checkpointedTTLSeconds: try reader.i64())
            if lease.id == 0 || state.leases[lease.id] != nil { throw .inconsistent("lease id \(lease.id)") }
            state.leases[lease.id] = lease
        }
        let keyCount = try reader.count(minimumItemBytes: 8)
        var previousKey: ByteKey?
        var historyEntries: [(Revision, ByteKey)] = []
        for _ in 0..<keyCount {
            let key = ByteKey(try reader.blob())
            if key.bytes.isEmpty { throw .inconsistent("empty key") }
            if let previousKey, !(previousKey < key) { throw .inconsistent("keys out of order") }
            previousKey = key
            let versionCount = try reader.count(minimumItemBytes: 44)
            if versionCount == 0 { throw .inconsistent("key without versions") }
            var versions: [KeyVersion] = []
            versions.reserveCapacity(versionCount)
            for _ in 0..<versionCount {
                let revision = Revision(main: try reader.i64(), sub: try reader.i64())
                let version = KeyVersion(modRevision: revision, createRevision: try reader.i64(),
                                         version: try reader.i64(), lease: try reader.i64(), value: try reader.blob())
                if let last = versions.last, !(last.modRevision < revision) { throw .inconsistent("versions out of order") }
                if revision.main < 1 || revision.main > state.currentRevision || revision.sub < 0 || version.version < 0 {
                    throw .inconsistent("version at \(revision)")
                }
                versions.append(version)
                if revision.main >= state.compactRevision { historyEntries.append((revision, key)) }
            }
            let index = KeyIndex(versions: versions)
            if let live = index.current, live.lease != 0 {
                if state.leases[live.lease] == nil { throw .inconsistent("key attached to missing lease \(live.lease)") }
                state.leases[live.lease]?.keys.insert(key)
            }
            state.keys.updateValue(index, forKey: key)
        }
        if reader.remaining != 0 { throw .trailingBytes(count: reader.remaining) }
        historyEntries.sort { $0.0 < $1.0 }
        for index in historyEntries.indices {
            if index > 0 && historyEntries[index - 1].0 == historyEntries[index].0 {
                throw .inconsistent("two keys at revision \(historyEntries[index].0)")
            }
            state.history.updateValue(historyEntries[index].1, forKey: historyEntries[index].0)
        }
        return (state, metadata)
    }

    /// A CRC-32C over the compact revision, `revision`, and every retained version with main ≤ `revision`
    /// in key order: equal on two replicas that applied the same log (etcd's HashKV, for comparing members).
    /// - Parameter revision: 0 = current.
    /// - Throws: ``MVCCError/futureRevision(requested:currentRevision:)`` or ``MVCCError/compacted(requested:compactRevision:)``.
    public func hashKV(revision: Int64 = 0) throws(MVCCError) -> UInt32 {
        let at = try readRevision(revision, current: currentRevision)
        var writer = ByteWriter()
        writer.i64(compactRevision)
        writer.i64(at)
        var crc = CRC32C.checksum(writer.bytes)
        keys.forEach { key, index in
            writer.bytes.removeAll(keepingCapacity: true)
            var wroteKey = false
            for version in index.older + [index.latest] where version.modRevision.main <= at {
                if !wroteKey {
                    writer.blob(key.bytes)
                    wroteKey = true
                }
                Self.write(version, to: &writer)
            }
            crc = CRC32C.checksum(writer.bytes, continuing: crc)
            return true
        }
        return crc
    }
}

extension Keyspace {
    /// Replaces the replicated state with `restored` (a decoded snapshot), keeping the watchers: each
    /// continues from its next revision by catching up from the restored history (or is cancelled with
    /// `compact_revision` if that revision is compacted there). Lease deadlines of leases that still
    /// exist are kept; new leases get none until ``promoteAll(nowNanoseconds:extendBySeconds:)``.
    public func restore(_ restored: KeyspaceState) {
        let previousCurrent = state.currentRevision
        state = restored
        leaseDeadlines = leaseDeadlines.filter { restored.leases[$0.key] != nil }
        for handle in watchers.all.keys.sorted() {
            guard let watcher = watchers.all[handle], watcher.cancelCompactRevision == nil else { continue }
            let next = watcher.isSynced ? Swift.max(watcher.nextRevision, previousCurrent + 1) : watcher.nextRevision
            watchers.makeUnsynced(watcher, nextRevision: next)
        }
    }
}
