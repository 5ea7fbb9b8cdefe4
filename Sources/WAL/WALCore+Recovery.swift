import Raft

/// What replaying records builds up: the log, the last hard state, the newest snapshot marker.
struct Replay {
    var log = LogBuilder()
    var hardState = HardState()
    var marker: SnapshotMarker?
}

/// How one segment's scan ended.
struct SegmentScan {
    /// Where the valid records end (the next append goes here).
    var end: Int
    /// Where the header record ends.
    var headerEnd: Int
    /// Bytes after `end` that are not zeros and hold no valid record: a torn last write, cut at recovery.
    var tornBytes: Range<Int>?
}

extension WALCore {
    /// Opens a data directory: removes unfinished temporary files, replays the segments, cuts a torn tail,
    /// loads the snapshot named by the newest marker, and returns the WAL ready to append.
    static func recover(directory: String, fileSystem: any FileSystem, options: WALOptions) throws(WALError)
        -> (WALCore, RecoveredState)
    {
        let lock = try io { () throws(FileSystemError) -> any DirectoryLock in
            try fileSystem.createDirectory(atPath: directory)
            return try fileSystem.lockDirectory(atPath: directory)
        }
        do throws(WALError) {
            var (core, recovered) = try recoverLocked(directory: directory, fileSystem: fileSystem, options: options)
            core.directoryLock = lock
            return (core, recovered)
        } catch {
            lock.unlock()
            throw error
        }
    }

    /// Recovery proper, with the directory locked.
    private static func recoverLocked(directory: String, fileSystem: any FileSystem, options: WALOptions) throws(WALError)
        -> (WALCore, RecoveredState)
    {
        let names = try io { () throws(FileSystemError) -> [String] in
            try fileSystem.contentsOfDirectory(atPath: directory)
        }
        var segments: [SegmentName] = []
        var snapshots: [SnapshotName] = []
        var temporaries: [String] = []
        for name in names {
            if name.hasSuffix(temporarySuffix) {
                temporaries.append(joinPath(directory, name))
            } else if name.hasSuffix(SegmentName.suffix) {
                guard let segment = SegmentName(fileName: name) else { throw .unexpectedFile(name: name) }
                segments.append(segment)
            } else if name.hasSuffix(SnapshotName.suffix) {
                guard let snapshot = SnapshotName(fileName: name) else { throw .unexpectedFile(name: name) }
                snapshots.append(snapshot)
            }
        }
        if !temporaries.isEmpty {
            try io { () throws(FileSystemError) in
                for path in temporaries { try fileSystem.removeFile(atPath: path) }
                try fileSystem.syncDirectory(atPath: directory)
            }
        }
        segments.sort()
        snapshots.sort()
        // A gap in the sequence is legal only as the trace of an interrupted release (removals made durable
        // out of order): every segment before it must be covered by the snapshot, checked after replay.
        var staleSegments: [SegmentName] = []
        if let gap = segments.indices.dropFirst().last(where: { segments[$0].sequence != segments[$0 - 1].sequence + 1 }) {
            staleSegments = Array(segments[..<gap])
            segments.removeFirst(gap)
        }
        guard let lastSegment = segments.last else {
            if let stray = snapshots.first { throw .noSegments(snapshotFile: joinPath(directory, stray.fileName)) }
            return try startFresh(directory: directory, fileSystem: fileSystem, options: options)
        }

        var replay = Replay()
        var lastScan = SegmentScan(end: 0, headerEnd: 0)
        var lastBytes: [UInt8] = []
        for segment in segments.dropLast() {
            let path = joinPath(directory, segment.fileName)
            let bytes = try readWholeFile(path, fileSystem: fileSystem)
            _ = try withBytes(bytes) { (buffer) throws(WALError) in
                try replaySegment(buffer, name: segment, path: path, isLast: false, into: &replay)
            }
        }
        let lastPath = joinPath(directory, lastSegment.fileName)
        let file = try io { () throws(FileSystemError) in try fileSystem.openFile(atPath: lastPath, create: false) }
        do throws(WALError) {
            lastBytes = try io { () throws(FileSystemError) in try file.readAll() }
            lastScan = try withBytes(lastBytes) { (buffer) throws(WALError) in
                try replaySegment(buffer, name: lastSegment, path: lastPath, isLast: true, into: &replay)
            }
            let (snapshot, snapshotIndex) = try loadSnapshot(replay.marker, snapshots: snapshots, directory: directory,
                                                             fileSystem: fileSystem)
            if let lastStale = staleSegments.last, segments[0].firstIndex > snapshotIndex + 1 {
                throw .missingSegment(afterSequence: lastStale.sequence, found: segments[0].sequence)
            }
            replay.log.compact(through: snapshotIndex)
            if let first = replay.log.entries.first?.index, first != snapshotIndex + 1 {
                throw .logGap(expectedIndex: snapshotIndex + 1, foundIndex: first)
            }

            // Everything checked: only now change the directory (cut the torn tail, drop orphans and stale files).
            if let torn = lastScan.tornBytes {
                try cutTornTail(Array(lastBytes[torn]), at: torn.lowerBound, file: file, path: lastPath,
                                directory: directory, fileSystem: fileSystem)
            }
            let inUse = snapshot.map { SnapshotName(index: $0.metadata.index, term: $0.metadata.term) }
            let orphans = snapshots.filter { name in inUse.map { name > $0 } ?? true }
            let doomed = orphans.map { joinPath(directory, $0.fileName) } + staleSegments.map { joinPath(directory, $0.fileName) }
            if !doomed.isEmpty {
                try io { () throws(FileSystemError) in
                    for path in doomed { try fileSystem.removeFile(atPath: path) }
                    try fileSystem.syncDirectory(atPath: directory)
                }
            }
            let capacity = try io { () throws(FileSystemError) in try file.size() }
            let core = WALCore(
                directory: directory, fileSystem: fileSystem, options: options, file: file, segments: segments,
                writeOffset: lastScan.end, segmentCapacity: capacity, headerEnd: lastScan.headerEnd,
                lastIndex: replay.log.lastIndex ?? snapshotIndex, hardState: replay.hardState, marker: replay.marker,
                snapshots: snapshots.filter { !orphans.contains($0) })
            let tornTail = lastScan.tornBytes.map { torn in
                TornTail(segment: lastPath, offset: torn.lowerBound, byteCount: torn.count,
                         copyPath: tornCopyPath(lastPath, offset: torn.lowerBound))
            }
            return (core, RecoveredState(snapshot: snapshot, hardState: replay.hardState, entries: replay.log.entries,
                                         tornTail: tornTail))
        } catch {
            file.close()
            throw error
        }
    }

    /// Loads and verifies the snapshot the newest durable marker names; returns it (nil if none) and its index.
    /// Snapshot files newer than the marker lost their marker in a crash: they are orphans, not used.
    private static func loadSnapshot(
        _ marker: SnapshotMarker?, snapshots: [SnapshotName], directory: String, fileSystem: any FileSystem
    ) throws(WALError) -> (Snapshot?, UInt64) {
        guard let marker, marker.index > 0 else { return (nil, 0) }
        let name = SnapshotName(index: marker.index, term: marker.term)
        let path = joinPath(directory, name.fileName)
        guard snapshots.contains(name) else { throw .missingSnapshot(file: path) }
        let decoded = try SnapshotFile.decode(try readWholeFile(path, fileSystem: fileSystem), file: path)
        guard decoded.metadata.index == marker.index, decoded.metadata.term == marker.term else {
            throw .corruptSnapshot(file: path, offset: 16, reason: "metadata does not match the file name and WAL marker")
        }
        return (decoded, marker.index)
    }

    private static func readWholeFile(_ path: String, fileSystem: any FileSystem) throws(WALError) -> [UInt8] {
        try io { () throws(FileSystemError) -> [UInt8] in
            let file = try fileSystem.openFile(atPath: path, create: false)
            defer { file.close() }
            return try file.readAll()
        }
    }

    private static func startFresh(directory: String, fileSystem: any FileSystem, options: WALOptions) throws(WALError)
        -> (WALCore, RecoveredState)
    {
        // The directory may be new: make its own entry durable in its parent before anything depends on it.
        try io { () throws(FileSystemError) in try fileSystem.syncDirectory(atPath: parentDirectory(of: directory)) }
        let name = SegmentName(sequence: 1, firstIndex: 1)
        let header = SegmentHeader(sequence: 1, firstIndex: 1, hardState: nil, snapshotMarker: nil)
        let created = try createSegment(name, header: header, needing: 0, directory: directory,
                                        fileSystem: fileSystem, options: options)
        let core = WALCore(
            directory: directory, fileSystem: fileSystem, options: options, file: created.file, segments: [name],
            writeOffset: created.headerEnd, segmentCapacity: created.capacity, headerEnd: created.headerEnd,
            lastIndex: 0, hardState: HardState(), marker: nil, snapshots: [])
        return (core, RecoveredState())
    }

    /// Replays one segment's records into `replay`; returns where its valid records end, and its torn tail.
    /// Damage that is not a torn tail of the last segment throws ``WALError/corruptRecord(file:offset:reason:)``.
    static func replaySegment(
        _ buffer: UnsafeRawBufferPointer, name: SegmentName, path: String, isLast: Bool, into replay: inout Replay
    ) throws(WALError) -> SegmentScan {
        var offset = 0
        var headerEnd = 0
        var damage: String
        scanning: while true {
            switch RecordFraming.inspect(buffer, at: offset, sequence: name.sequence) {
            case .record(let type, let payload, let next):
                if offset == 0 {
                    guard type == .segmentHeader, let header = RecordCodec.decodeSegmentHeader(buffer, payload: payload),
                          header.sequence == name.sequence, header.firstIndex == name.firstIndex
                    else { throw .corruptRecord(file: path, offset: 0, reason: "missing or mismatched segment header") }
                    if let hardState = header.hardState { replay.hardState = hardState }
                    if let marker = header.snapshotMarker { replay.marker = marker }
                    headerEnd = next
                } else {
                    guard type == .batch, let batch = RecordCodec.decodeBatch(buffer, payload: payload) else {
                        throw .corruptRecord(file: path, offset: offset, reason: "checksummed record of type \(type) does not decode")
                    }
                    if let marker = batch.snapshotMarker {
                        if marker.resetsLog { replay.log = LogBuilder() }
                        replay.marker = marker
                    }
                    for entry in batch.entries {
                        if let expected = replay.log.append(entry) {
                            throw .logGap(expectedIndex: expected, foundIndex: entry.index)
                        }
                    }
                    if let hardState = batch.hardState { replay.hardState = hardState }
                }
                offset = next
            case .endOfFile:
                if offset == 0 { throw .corruptRecord(file: path, offset: 0, reason: "empty segment file") }
                return SegmentScan(end: offset, headerEnd: headerEnd, tornBytes: nil)
            case .zeroHeader:
                if RecordFraming.endOfNonzero(buffer, from: offset) == offset, offset > 0 {
                    return SegmentScan(end: offset, headerEnd: headerEnd, tornBytes: nil)
                }
                damage = offset == 0 ? "missing segment header" : "nonzero bytes after a zero record header"
                break scanning
            case .damaged(let reason):
                damage = reason
                break scanning
            }
        }
        guard offset > 0, isLast else { throw .corruptRecord(file: path, offset: offset, reason: damage) }
        if let later = RecordFraming.nextValidRecord(buffer, after: offset, sequence: name.sequence) {
            throw .corruptRecord(file: path, offset: offset, reason: damage + "; a valid record follows at offset \(later)")
        }
        let end = RecordFraming.endOfNonzero(buffer, from: offset)
        return SegmentScan(end: offset, headerEnd: headerEnd, tornBytes: offset..<end)
    }

    /// Keeps a copy of a torn tail beside its segment (`<segment>.<offset>.torn`), then zeroes it in place.
    private static func cutTornTail(
        _ bytes: [UInt8], at offset: Int, file: any StorageFile, path: String, directory: String, fileSystem: any FileSystem
    ) throws(WALError) {
        let copyPath = tornCopyPath(path, offset: offset)
        try io { () throws(FileSystemError) in
            do throws(FileSystemError) {
                let copy = try fileSystem.openFile(atPath: copyPath, create: true)
                defer { copy.close() }
                try copy.write(bytes, at: 0)
                try copy.sync()
                try fileSystem.syncDirectory(atPath: directory)
            } catch {
                // A copy from an earlier, interrupted recovery of the same tail is the more complete one.
                guard case .alreadyExists = error else { throw error }
            }
            try file.write([UInt8](repeating: 0, count: bytes.count), at: offset)
            try file.sync()
        }
    }

    static func tornCopyPath(_ segmentPath: String, offset: Int) -> String {
        segmentPath + "." + String(offset) + tornSuffix
    }
}

/// The directory holding `path` (`.` for a bare name, `/` for a top-level path).
func parentDirectory(of path: String) -> String {
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
}

/// Runs `body` on the bytes of an array, with typed throws.
func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(WALError) -> T) throws(WALError) -> T {
    let result: Result<T, WALError> = bytes.withUnsafeBytes { buffer in
        do throws(WALError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}
