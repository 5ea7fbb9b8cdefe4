import Raft

/// The WAL's state and write paths. ``WriteAheadLog`` owns one behind its mutex; recovery builds it.
struct WALCore: Sendable {
    enum Status { case open, failed, closed }

    let directory: String
    let fileSystem: any FileSystem
    let options: WALOptions
    /// The segment being appended to (always the last of `segments`).
    var file: any StorageFile
    var segments: [SegmentName]
    var writeOffset: Int
    var segmentCapacity: Int
    /// Bytes taken by the current segment's header record; a segment holding only this is never cut.
    var headerEnd: Int
    var lastIndex: UInt64
    var hardState: HardState
    var marker: SnapshotMarker?
    /// Snapshot files in the directory, oldest first; the last is the one `marker` names.
    var snapshots: [SnapshotName]
    var scratch = ByteWriter()
    var status = Status.open
    /// Creates the next segment file in the background when ``WALOptions/prepareSegmentsAhead`` is on.
    var preparer: SegmentPreparer?
    /// The exclusive lock on the directory, held from open to close.
    var directoryLock: (any DirectoryLock)?

    var snapshotIndex: UInt64 { marker?.index ?? 0 }

    // MARK: Public operations (called by WriteAheadLog under its lock)

    mutating func save(hardState newHardState: HardState?, entries: [Entry], installing snapshot: Snapshot?) throws(WALError) {
        try checkOpen()
        try validate(entries: entries, installing: snapshot)
        if let newHardState, newHardState.term > maximumLogIndex || newHardState.commit > maximumLogIndex {
            throw .invalidHardState(reason: "term \(newHardState.term) or commit \(newHardState.commit) is out of range")
        }
        if entries.isEmpty && newHardState == nil && snapshot == nil { return }
        try failingOnError { (core) throws(WALError) in
            var marker: SnapshotMarker?
            if let snapshot {
                try core.writeSnapshotFile(snapshot)
                marker = SnapshotMarker(index: snapshot.metadata.index, term: snapshot.metadata.term, resetsLog: true)
            }
            core.scratch.bytes.removeAll(keepingCapacity: true)
            RecordCodec.appendBatch(marker: marker, hardState: newHardState, entries: entries, to: &core.scratch)
            try core.appendAndSync()
            if let marker {
                core.marker = marker
                core.lastIndex = marker.index
            }
            if let last = entries.last { core.lastIndex = last.index }
            if let newHardState { core.hardState = newHardState }
            if marker != nil { try core.release() }
        }
    }

    /// Checks that a local snapshot can be saved (newer than the current one, within the log); the
    /// `.beforeSnapshotSave` crash point. Nothing is written.
    mutating func checkSnapshotToSave(_ snapshot: Snapshot) throws(WALError) {
        try checkOpen()
        let index = snapshot.metadata.index
        guard snapshot.metadata.term <= maximumLogIndex else {
            throw .invalidSnapshot(reason: "snapshot term \(snapshot.metadata.term) is out of range")
        }
        guard index > snapshotIndex, !snapshots.contains(SnapshotName(index: index, term: snapshot.metadata.term)) else {
            throw .invalidSnapshot(reason: "snapshot index \(index) is not after the current snapshot \(snapshotIndex)")
        }
        guard index <= lastIndex else {
            throw .invalidSnapshot(reason: "snapshot index \(index) is beyond the last log index \(lastIndex)")
        }
        try failingOnError { (core) throws(WALError) in try core.crashPoint(.beforeSnapshotSave) }
    }

    /// Second half of a local snapshot's save, after its image was written and synced to `temporary`
    /// without the lock: checks again (an installed snapshot may have passed it meanwhile; then the
    /// temporary file is removed and nothing else changes), renames it into place, syncs the
    /// directory, appends its marker and releases what it covers.
    mutating func recordSnapshot(_ snapshot: Snapshot, writtenTo temporary: String) throws(WALError) {
        let overtaken = snapshot.metadata.index <= snapshotIndex || snapshot.metadata.index > lastIndex
        if status != .open || overtaken {
            try? removeIfPresent(temporary, fileSystem: fileSystem)
            try checkOpen()
            throw .invalidSnapshot(reason: "snapshot index \(snapshot.metadata.index) was overtaken by snapshot \(snapshotIndex)")
        }
        try failingOnError { (core) throws(WALError) in
            let name = SnapshotName(index: snapshot.metadata.index, term: snapshot.metadata.term)
            try core.placeSnapshotFile(from: temporary, as: name)
            let marker = SnapshotMarker(index: name.index, term: name.term, resetsLog: false)
            core.scratch.bytes.removeAll(keepingCapacity: true)
            RecordCodec.appendBatch(marker: marker, hardState: nil, entries: [], to: &core.scratch)
            try core.appendAndSync()
            core.marker = marker
            try core.release()
        }
    }

    /// Marks the WAL failed (an I/O error outside the lock, while writing a snapshot image).
    mutating func markFailed() { if status == .open { status = .failed } }

    mutating func close() {
        if status != .closed {
            preparer?.stop()
            file.close()
            directoryLock?.unlock()
        }
        status = .closed
    }

    /// Starts background preparation of the next segment, if the options ask for it.
    mutating func startPreparingSegments() {
        guard options.prepareSegmentsAhead, preparer == nil else { return }
        preparer = SegmentPreparer(directory: directory, fileSystem: fileSystem, options: options)
        preparer?.start()
    }

    // MARK: Checks

    func checkOpen() throws(WALError) {
        switch status {
        case .open: return
        case .failed: throw .failed
        case .closed: throw .closed
        }
    }

    func validate(entries: [Entry], installing snapshot: Snapshot?) throws(WALError) {
        if let first = entries.first, first.index == 0 || first.index > maximumLogIndex - UInt64(entries.count) {
            throw .invalidEntries(reason: "entry index \(first.index) is out of range")
        }
        if let snapshot, snapshot.metadata.index > maximumLogIndex || snapshot.metadata.term > maximumLogIndex {
            throw .invalidSnapshot(reason: "snapshot index or term is out of range")
        }
        var recordBytes = 64
        for (offset, entry) in entries.enumerated() {
            guard entry.index == entries[0].index + UInt64(offset) else {
                throw .invalidEntries(reason: "entry \(offset) has index \(entry.index), expected \(entries[0].index + UInt64(offset))")
            }
            guard entry.term <= maximumLogIndex else {
                throw .invalidEntries(reason: "entry term \(entry.term) is out of range")
            }
            recordBytes += 21 + entry.data.count
        }
        guard recordBytes <= maximumRecordBytes else {
            throw .invalidEntries(reason: "a batch of \(recordBytes) bytes exceeds the \(maximumRecordBytes)-byte record limit")
        }
        if let snapshot {
            let index = snapshot.metadata.index
            guard index > snapshotIndex else {
                throw .invalidSnapshot(reason: "installed snapshot index \(index) is not after the current snapshot \(snapshotIndex)")
            }
            if let first = entries.first, first.index != index + 1 {
                throw .invalidEntries(reason: "entries start at \(first.index), the installed snapshot ends at \(index)")
            }
            return
        }
        guard let first = entries.first?.index else { return }
        guard first <= lastIndex + 1 else {
            throw .invalidEntries(reason: "entries start at \(first), leaving a gap after the last index \(lastIndex)")
        }
        guard first > snapshotIndex else {
            throw .invalidEntries(reason: "entries start at \(first), inside the snapshot ending at \(snapshotIndex)")
        }
    }

    /// Runs a write path; any error leaves the WAL failed (the durable state is unknown until reopened).
    mutating func failingOnError(_ body: (inout WALCore) throws(WALError) -> Void) throws(WALError) {
        do { try body(&self) } catch {
            status = .failed
            throw error
        }
    }

    func crashPoint(_ point: CrashPoint) throws(WALError) {
        if options.crashPoints.decide(point) { throw .crashed(at: point) }
    }

    // MARK: Appending

    /// Writes `scratch` (one framed record) at the end of the current segment and `fdatasync`s it.
    mutating func appendAndSync() throws(WALError) {
        let count = scratch.bytes.count
        if writeOffset + count > segmentCapacity && writeOffset > headerEnd { try cutSegment(needing: count) }
        RecordFraming.seal(&scratch.bytes, recordAt: 0, sequence: segments.last?.sequence ?? 0, offset: writeOffset)
        try crashPoint(.beforeWALWrite)
        let file = self.file, offset = writeOffset
        try io { () throws(FileSystemError) in try file.write(scratch.bytes, at: offset) }
        try crashPoint(.beforeWALSync)
        try io { () throws(FileSystemError) in try file.sync() }
        writeOffset += count
        try crashPoint(.afterWALSync)
    }

    /// Seals the current segment (cut to its data and synced) and starts the next one.
    mutating func cutSegment(needing bytes: Int) throws(WALError) {
        try crashPoint(.beforeSegmentCut)
        let previous = file, end = writeOffset
        try io { () throws(FileSystemError) in
            try previous.truncate(to: end)
            try previous.sync()
        }
        let name = SegmentName(sequence: (segments.last?.sequence ?? 0) + 1, firstIndex: lastIndex + 1)
        let header = SegmentHeader(
            sequence: name.sequence, firstIndex: name.firstIndex,
            hardState: hardState.isEmpty ? nil : hardState, snapshotMarker: marker)
        let created = try Self.createSegment(name, header: header, needing: bytes, directory: directory,
                                             fileSystem: fileSystem, options: options, prepared: preparer?.take())
        preparer?.start()
        previous.close()
        file = created.file
        segments.append(name)
        writeOffset = created.headerEnd
        headerEnd = created.headerEnd
        segmentCapacity = created.capacity
    }

    /// Creates a segment durably: temporary file, preallocate, header, `fdatasync`, rename, directory `fsync`.
    /// With a `prepared` file big enough, only the header write, `fdatasync`, rename and directory `fsync` remain.
    static func createSegment(
        _ name: SegmentName, header: SegmentHeader, needing bytes: Int,
        directory: String, fileSystem: any FileSystem, options: WALOptions, prepared: PreparedSegment? = nil
    ) throws(WALError) -> (file: any StorageFile, headerEnd: Int, capacity: Int) {
        var buffer = ByteWriter()
        RecordCodec.appendSegmentHeader(header, to: &buffer)
        RecordFraming.seal(&buffer.bytes, recordAt: 0, sequence: name.sequence, offset: 0)
        let headerBytes = buffer.bytes
        let path = joinPath(directory, name.fileName)
        let temporary = path + temporarySuffix
        let capacity = max(options.segmentSizeBytes, headerBytes.count + bytes)
        if let prepared {
            defer { prepared.file.close() }
            if prepared.capacity >= capacity {
                return try io { () throws(FileSystemError) in
                    try prepared.file.write(headerBytes, at: 0)
                    try prepared.file.sync()
                    try fileSystem.rename(from: prepared.path, to: path)
                    try fileSystem.syncDirectory(atPath: directory)
                    return (try fileSystem.openFile(atPath: path, create: false), headerBytes.count, prepared.capacity)
                }
            }
        }
        return try io { () throws(FileSystemError) in
            try removeIfPresent(temporary, fileSystem: fileSystem)
            let creating = try fileSystem.openFile(atPath: temporary, create: true)
            defer { creating.close() }
            try reserveSpace(in: creating, capacity: capacity, preallocation: options.preallocation)
            try creating.write(headerBytes, at: 0)
            try creating.sync()
            try fileSystem.rename(from: temporary, to: path)
            try fileSystem.syncDirectory(atPath: directory)
            return (try fileSystem.openFile(atPath: path, create: false), headerBytes.count, capacity)
        }
    }

    // MARK: Snapshots

    /// Makes a snapshot file durable: temporary file, `fdatasync`, rename, directory `fsync`.
    mutating func writeSnapshotFile(_ snapshot: Snapshot) throws(WALError) {
        try crashPoint(.beforeSnapshotSave)
        let name = SnapshotName(index: snapshot.metadata.index, term: snapshot.metadata.term)
        let temporary = joinPath(directory, name.fileName) + temporarySuffix
        try writeSnapshotImage(snapshot, to: temporary, fileSystem: fileSystem)
        try placeSnapshotFile(from: temporary, as: name)
    }

    /// Renames a synced snapshot image into place as `name`, syncs the directory and lists it; then
    /// the `.afterSnapshotSave` crash point.
    mutating func placeSnapshotFile(from temporary: String, as name: SnapshotName) throws(WALError) {
        let fileSystem = self.fileSystem, directory = self.directory
        try io { () throws(FileSystemError) in
            try fileSystem.rename(from: temporary, to: joinPath(directory, name.fileName))
            try fileSystem.syncDirectory(atPath: directory)
        }
        if !snapshots.contains(name) {
            snapshots.append(name)
            snapshots.sort()
        }
        try crashPoint(.afterSnapshotSave)
    }

    /// Removes snapshot files beyond the retained count, and segments wholly covered by the oldest kept snapshot.
    mutating func release() throws(WALError) {
        let keepCount = min(options.retainedSnapshotCount, snapshots.count)
        guard let oldestKept = snapshots.suffix(keepCount).first else { return }
        let doomedSnapshots = snapshots.prefix(snapshots.count - keepCount)
        var doomedSegments = 0
        while doomedSegments + 1 < segments.count && segments[doomedSegments + 1].firstIndex <= oldestKept.index + 1 {
            doomedSegments += 1
        }
        if doomedSnapshots.isEmpty && doomedSegments == 0 { return }
        try crashPoint(.beforeRelease)
        let fileSystem = self.fileSystem, directory = self.directory
        let paths = segments.prefix(doomedSegments).map { joinPath(directory, $0.fileName) }
            + doomedSnapshots.map { joinPath(directory, $0.fileName) }
        try io { () throws(FileSystemError) in
            for path in paths { try fileSystem.removeFile(atPath: path) }
            try fileSystem.syncDirectory(atPath: directory)
        }
        segments.removeFirst(doomedSegments)
        snapshots.removeFirst(doomedSnapshots.count)
    }
}

/// Runs a file-system call, turning its error into ``WALError/io(_:)``.
/// Writes a snapshot's file image to `temporary` (replacing any leftover) and syncs it; the caller
/// renames it into place. Needs no WAL state, so a local snapshot is written without the WAL's lock.
func writeSnapshotImage(_ snapshot: Snapshot, to temporary: String, fileSystem: any FileSystem) throws(WALError) {
    try io { () throws(FileSystemError) in
        try removeIfPresent(temporary, fileSystem: fileSystem)
        let file = try fileSystem.openFile(atPath: temporary, create: true)
        defer { file.close() }
        // Piecewise: the file image is never a second in-memory copy of a large snapshot.
        try SnapshotFile.write(snapshot, to: file)
        try file.sync()
    }
}

func io<T>(_ body: () throws(FileSystemError) -> T) throws(WALError) -> T {
    do { return try body() } catch { throw .io(error) }
}

/// Removes a file if it exists.
func removeIfPresent(_ path: String, fileSystem: any FileSystem) throws(FileSystemError) {
    do { try fileSystem.removeFile(atPath: path) } catch {
        if case .notFound = error { return }
        throw error
    }
}
