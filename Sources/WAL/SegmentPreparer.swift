import Dispatch
import Synchronization

/// A segment file created, preallocated and synced ahead of need, waiting under a temporary name.
struct PreparedSegment: Sendable {
    let path: String
    let file: any StorageFile
    let capacity: Int
}

/// Prepares the next segment file on a background Dispatch queue, so a segment cut costs one header write, one
/// `fdatasync`, a rename and a directory `fsync` instead of also a `posix_fallocate` or a 64 MiB zero fill.
///
/// The file is `<directory>/next.wal.tmp`: if the process dies, recovery removes it like any `.tmp` file.
/// Thread-safe: the prepared file is handed over under a `Mutex`; the queue runs one preparation at a time.
/// Blocking I/O runs on the Dispatch queue's thread, never on Swift concurrency's cooperative pool.
final class SegmentPreparer: Sendable {
    private let queue = DispatchQueue(label: "tern.wal.segment-preparer")
    private let ready = Mutex<PreparedSegment?>(nil)
    private let path: String
    private let fileSystem: any FileSystem
    private let options: WALOptions

    init(directory: String, fileSystem: any FileSystem, options: WALOptions) {
        self.path = joinPath(directory, "next" + SegmentName.suffix + temporarySuffix)
        self.fileSystem = fileSystem
        self.options = options
    }

    /// Starts preparing a file in the background (a failure just leaves nothing prepared).
    func start() {
        queue.async { [self] in
            let prepared: PreparedSegment?
            do throws(FileSystemError) {
                try removeIfPresent(path, fileSystem: fileSystem)
                let file = try fileSystem.openFile(atPath: path, create: true)
                try reserveSpace(in: file, capacity: options.segmentSizeBytes, preallocation: options.preallocation)
                try file.sync()
                prepared = PreparedSegment(path: path, file: file, capacity: options.segmentSizeBytes)
            } catch {
                prepared = nil
            }
            ready.withLock { $0 = prepared }
        }
    }

    /// Waits for the preparation in flight, then takes the prepared file, if there is one.
    func take() -> PreparedSegment? {
        queue.sync {}
        return ready.withLock { prepared in
            defer { prepared = nil }
            return prepared
        }
    }

    /// Waits for the preparation in flight and closes its file (the `.tmp` file stays for recovery to remove).
    func stop() {
        take()?.file.close()
    }
}

/// Reserves `capacity` bytes in a new segment file, by `posix_fallocate` or by writing zeros.
func reserveSpace(in file: any StorageFile, capacity: Int, preallocation: WALOptions.Preallocation) throws(FileSystemError) {
    switch preallocation {
    case .allocate:
        try file.preallocate(size: capacity)
    case .zeroFill:
        let zeros = [UInt8](repeating: 0, count: min(capacity, 1 << 20))
        var offset = 0
        while offset < capacity {
            let count = min(zeros.count, capacity - offset)
            try file.write(count == zeros.count ? zeros : Array(zeros[0..<count]), at: offset)
            offset += count
        }
    }
}
