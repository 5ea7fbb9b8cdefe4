import Raft
import Synchronization

/// An in-memory ``FileSystem`` that behaves like a disk behind a page cache, for crash tests.
///
/// Writes and size changes land in the page cache (visible to reads at once) and become durable only when the
/// file is synced; creations, renames and removals become durable only when their directory is synced.
/// ``crash()`` is a power cut: unsynced work is lost, or a random prefix of it survives with the last
/// surviving write torn (a prefix of it kept, the rest left as it was or zero-filled), and any of the unsynced
/// namespace changes may survive, all drawn from the seed.
/// ``crash(keepingUnsyncedOperations:tearLastTo:zeroFillTornRest:)`` does the same deterministically.
/// ``failAfter(operations:)`` makes the disk go down at an exact operation, so a test can crash a WAL between
/// any two of its writes or syncs. After a crash the same disk can be reopened by a new WAL; files opened
/// before the crash fail with ``FileSystemError/simulatedCrash(path:)``.
///
/// Directories are created durably at once; only files follow the page-cache rules.
/// Thread-safe: all state is behind one `Mutex`.
public final class SimulatedDisk: FileSystem {
    struct Inode {
        var durable: [UInt8] = []
        var current: [UInt8] = []
    }

    enum PendingOperation {
        case write(offset: Int, bytes: [UInt8])
        case resize(Int)
    }

    struct NameChange {
        let path: String
        let inode: Int?
    }

    struct Pending {
        let inode: Int
        let operation: PendingOperation
    }

    struct State {
        var inodes: [Int: Inode] = [:]
        var nextInode = 1
        var names: [String: Int] = [:]
        var durableNames: [String: Int] = [:]
        /// Unsynced namespace changes in issue order; each group (a rename is one) is atomic.
        var pendingNameChanges: [[NameChange]] = []
        var directories: Set<String> = []
        var pending: [Pending] = []
        var random: SeededRandom
        var remainingOperations: Int?
        var isDown = false
        var generation = 0
        var operationCount = 0
        var syncCount = 0
        /// Locked directories, with the id of the lock holding each.
        var locks: [String: Int] = [:]
        var nextLockID = 1
    }

    let state: Mutex<State>

    /// Creates an empty disk whose random crashes are drawn from `seed`.
    public init(seed: UInt64 = 1) {
        state = Mutex(State(random: SeededRandom(seed: seed)))
    }

    // MARK: Fault control

    /// Lets `operations` more mutating operations (write, sync, truncate, create, rename, remove, directory sync)
    /// succeed, then fails every operation with ``FileSystemError/simulatedCrash(path:)`` until ``crash()``.
    /// `nil` removes the limit.
    public func failAfter(operations: Int?) {
        state.withLock { $0.remainingOperations = operations }
    }

    /// How many mutating operations the disk has performed since it was created.
    public var operationCount: Int { state.withLock { $0.operationCount } }

    /// How many file syncs (`fdatasync`) the disk has performed since it was created.
    public var syncCount: Int { state.withLock { $0.syncCount } }

    /// How many writes and size changes are in the page cache, not yet durable.
    public var unsyncedOperationCount: Int { state.withLock { $0.pending.count } }

    /// The size of the most recent unsynced write, if the newest unsynced operation is a write.
    public var lastUnsyncedWriteSize: Int? {
        state.withLock { state in
            guard case .write(_, let bytes)? = state.pending.last?.operation else { return nil }
            return bytes.count
        }
    }

    /// An independent copy of the disk as it is now (page cache, durable bytes, names, random state), so a test
    /// can try several crashes of the same moment.
    public func copy() -> SimulatedDisk {
        let clone = SimulatedDisk()
        let snapshot = state.withLock { $0 }
        clone.state.withLock { $0 = snapshot }
        return clone
    }

    /// A power cut with random losses drawn from the seed: for each file independently, a random prefix of its
    /// unsynced operations survives, and the last surviving write may be torn; each unsynced creation, rename
    /// or removal independently survives or not (a rename as a whole).
    public func crash() {
        state.withLock { state in
            var keep: [Bool] = Array(repeating: false, count: state.pending.count)
            var tear: [Int: (bytes: Int, zeroFill: Bool)] = [:]
            let inodeIDs = Set(state.pending.map(\.inode)).sorted()
            for inode in inodeIDs {
                let positions = state.pending.indices.filter { state.pending[$0].inode == inode }
                let kept = Int(state.random.next() % UInt64(positions.count + 1))
                for position in positions.prefix(kept) { keep[position] = true }
                guard kept > 0 else { continue }
                let last = positions[kept - 1]
                if case .write(_, let bytes) = state.pending[last].operation, !bytes.isEmpty {
                    switch state.random.next() % 3 {
                    case 0: break
                    case 1: tear[last] = (Int(state.random.next() % UInt64(bytes.count)), false)
                    default: tear[last] = (Int(state.random.next() % UInt64(bytes.count)), true)
                    }
                }
            }
            // Unsynced creations, renames and removals: each one independently may have reached the disk.
            for group in state.pendingNameChanges where state.random.next() % 2 == 0 {
                for change in group { state.durableNames[change.path] = change.inode }
            }
            Self.resolveCrash(&state, keep: keep, tear: tear)
        }
    }

    /// A deterministic power cut: the first `count` unsynced operations (in the order they were issued, across
    /// all files) survive, the rest are lost; if `tearLastTo` is given and the last survivor is a write, only
    /// that many of its bytes reach the disk, and the rest of its range keeps its old bytes or, with
    /// `zeroFillTornRest`, reads as zeros. Unsynced names are lost.
    public func crash(keepingUnsyncedOperations count: Int, tearLastTo bytes: Int? = nil, zeroFillTornRest: Bool = false) {
        state.withLock { state in
            let kept = min(max(count, 0), state.pending.count)
            let keep = state.pending.indices.map { $0 < kept }
            var tear: [Int: (bytes: Int, zeroFill: Bool)] = [:]
            if let bytes, kept > 0 { tear[kept - 1] = (bytes, zeroFillTornRest) }
            Self.resolveCrash(&state, keep: keep, tear: tear)
        }
    }

    /// A power cut that loses every unsynced operation.
    public func crashLosingUnsyncedWrites() {
        crash(keepingUnsyncedOperations: 0)
    }

    private static func resolveCrash(_ state: inout State, keep: [Bool], tear: [Int: (bytes: Int, zeroFill: Bool)]) {
        for (position, pending) in state.pending.enumerated() where keep[position] {
            guard var inode = state.inodes[pending.inode] else { continue }
            switch pending.operation {
            case .resize(let size):
                resize(&inode.durable, to: size)
            case .write(let offset, let bytes):
                if let torn = tear[position] {
                    let prefix = min(max(torn.bytes, 0), bytes.count)
                    apply(bytes[0..<prefix], at: offset, to: &inode.durable)
                    if torn.zeroFill {
                        apply([UInt8](repeating: 0, count: bytes.count - prefix), at: offset + prefix, to: &inode.durable)
                    }
                } else {
                    apply(bytes, at: offset, to: &inode.durable)
                }
            }
            state.inodes[pending.inode] = inode
        }
        state.pending.removeAll()
        state.pendingNameChanges.removeAll()
        state.names = state.durableNames
        let live = Set(state.durableNames.values)
        state.inodes = state.inodes.filter { live.contains($0.key) }
        for id in state.inodes.keys { state.inodes[id]!.current = state.inodes[id]!.durable }
        state.isDown = false
        state.remainingOperations = nil
        state.generation += 1
        state.locks.removeAll()  // the process holding them died
    }

    static func apply<Bytes: Collection>(_ bytes: Bytes, at offset: Int, to target: inout [UInt8]) where Bytes.Element == UInt8 {
        let end = offset + bytes.count
        if target.count < end { target.append(contentsOf: [UInt8](repeating: 0, count: end - target.count)) }
        target.replaceSubrange(offset..<end, with: bytes)
    }

    static func resize(_ target: inout [UInt8], to size: Int) {
        if target.count > size { target.removeLast(target.count - size) }
        else if target.count < size { target.append(contentsOf: [UInt8](repeating: 0, count: size - target.count)) }
    }

    // MARK: Inspection for tests

    /// The bytes of a file as a reader would see them now (page cache included), or nil if there is no such file.
    public func contents(atPath path: String) -> [UInt8]? {
        let path = normalized(path)
        return state.withLock { state in state.names[path].flatMap { state.inodes[$0]?.current } }
    }

    /// Flips one bit of a file, durably (media corruption); returns false if the file or byte does not exist.
    @discardableResult
    public func flipBit(atPath path: String, byteOffset: Int, bit: Int = 0) -> Bool {
        let path = normalized(path)
        return state.withLock { state in
            guard let id = state.names[path], var inode = state.inodes[id], byteOffset < inode.current.count
            else { return false }
            inode.current[byteOffset] ^= UInt8(1 << (bit & 7))
            if byteOffset < inode.durable.count { inode.durable[byteOffset] ^= UInt8(1 << (bit & 7)) }
            state.inodes[id] = inode
            return true
        }
    }

    // MARK: FileSystem

    /// Counts a mutating operation, or fails it if the disk is down or its budget is spent.
    func admit(_ state: inout State, path: String, generation: Int? = nil) throws(FileSystemError) {
        if state.isDown || (generation != nil && generation != state.generation) { throw .simulatedCrash(path: path) }
        if let remaining = state.remainingOperations {
            if remaining <= 0 {
                state.isDown = true
                throw .simulatedCrash(path: path)
            }
            state.remainingOperations = remaining - 1
        }
        state.operationCount += 1
    }

    /// Opens or creates a file (see ``FileSystem/openFile(atPath:create:)``).
    public func openFile(atPath path: String, create: Bool) throws(FileSystemError) -> any StorageFile {
        let path = normalized(path)
        return try state.withLock { (state) throws(FileSystemError) -> any StorageFile in
            if create {
                guard state.names[path] == nil else { throw .alreadyExists(path: path) }
                guard state.directories.contains(parentPath(path)) else { throw .notFound(path: parentPath(path)) }
                try admit(&state, path: path)
                let id = state.nextInode
                state.nextInode += 1
                state.inodes[id] = Inode()
                state.names[path] = id
                state.pendingNameChanges.append([NameChange(path: path, inode: id)])
                return SimulatedFile(disk: self, inode: id, path: path, generation: state.generation)
            }
            if state.isDown { throw .simulatedCrash(path: path) }
            guard let id = state.names[path] else { throw .notFound(path: path) }
            return SimulatedFile(disk: self, inode: id, path: path, generation: state.generation)
        }
    }

    /// The sorted names in a directory (see ``FileSystem/contentsOfDirectory(atPath:)``).
    public func contentsOfDirectory(atPath path: String) throws(FileSystemError) -> [String] {
        try state.withLock { (state) throws(FileSystemError) -> [String] in
            if state.isDown { throw .simulatedCrash(path: path) }
            let directory = normalized(path)
            guard state.directories.contains(directory) else { throw .notFound(path: path) }
            let files = state.names.keys.filter { parentPath($0) == directory }
            let subdirectories = state.directories.filter { $0 != directory && parentPath($0) == directory }
            return (files + subdirectories).map { String($0.dropFirst(directory.count + 1)) }.sorted()
        }
    }

    /// Creates a directory and its missing parents (see ``FileSystem/createDirectory(atPath:)``).
    public func createDirectory(atPath path: String) throws(FileSystemError) {
        try state.withLock { (state) throws(FileSystemError) in
            if state.isDown { throw .simulatedCrash(path: path) }
            var prefix = ""
            for component in normalized(path).split(separator: "/") {
                prefix += "/" + component
                state.directories.insert(prefix)
            }
        }
    }

    /// Renames a file atomically (see ``FileSystem/rename(from:to:)``).
    public func rename(from source: String, to destination: String) throws(FileSystemError) {
        let source = normalized(source), destination = normalized(destination)
        try state.withLock { (state) throws(FileSystemError) in
            guard let id = state.names[source] else { throw .notFound(path: source) }
            try admit(&state, path: source)
            state.names[source] = nil
            state.names[destination] = id
            state.pendingNameChanges.append([NameChange(path: source, inode: nil), NameChange(path: destination, inode: id)])
        }
    }

    /// Removes a file (see ``FileSystem/removeFile(atPath:)``).
    public func removeFile(atPath path: String) throws(FileSystemError) {
        let path = normalized(path)
        try state.withLock { (state) throws(FileSystemError) in
            guard state.names[path] != nil else { throw .notFound(path: path) }
            try admit(&state, path: path)
            state.names[path] = nil
            state.pendingNameChanges.append([NameChange(path: path, inode: nil)])
        }
    }

    /// Locks a directory until the lock is released or the disk crashes (its holder died).
    public func lockDirectory(atPath path: String) throws(FileSystemError) -> any DirectoryLock {
        let directory = normalized(path)
        return try state.withLock { (state) throws(FileSystemError) -> any DirectoryLock in
            if state.isDown { throw .simulatedCrash(path: path) }
            guard state.locks[directory] == nil else { throw .locked(path: path) }
            let id = state.nextLockID
            state.nextLockID += 1
            state.locks[directory] = id
            return SimulatedDirectoryLock(disk: self, directory: directory, id: id)
        }
    }

    func unlock(directory: String, id: Int) {
        state.withLock { state in
            if state.locks[directory] == id { state.locks[directory] = nil }
        }
    }

    /// Makes a directory's entries durable (see ``FileSystem/syncDirectory(atPath:)``).
    public func syncDirectory(atPath path: String) throws(FileSystemError) {
        try state.withLock { (state) throws(FileSystemError) in
            try admit(&state, path: path)
            let directory = normalized(path)
            let affected = Set(state.names.keys).union(state.durableNames.keys).filter { parentPath($0) == directory }
            for name in affected { state.durableNames[name] = state.names[name] }
            state.pendingNameChanges = state.pendingNameChanges.compactMap { group in
                let rest = group.filter { parentPath($0.path) != directory }
                return rest.isEmpty ? nil : rest
            }
        }
    }
}

/// A path with a leading `/` and no trailing one, so simulated paths compare equal however they were written.
func normalized(_ path: String) -> String {
    "/" + path.split(separator: "/").joined(separator: "/")
}

/// The directory part of a simulated path (normalized).
func parentPath(_ path: String) -> String {
    let parts = path.split(separator: "/")
    return "/" + parts.dropLast().joined(separator: "/")
}

/// A lock on a simulated directory; a crash of the disk releases it too.
final class SimulatedDirectoryLock: DirectoryLock {
    let disk: SimulatedDisk
    let directory: String
    let id: Int

    init(disk: SimulatedDisk, directory: String, id: Int) {
        self.disk = disk
        self.directory = directory
        self.id = id
    }

    func unlock() { disk.unlock(directory: directory, id: id) }
}
