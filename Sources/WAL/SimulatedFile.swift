/// An open file of a ``SimulatedDisk``: a handle naming an inode; all bytes live in the disk's state.
///
/// Its properties are immutable and the disk's state is behind a `Mutex`, so it is `Sendable`.
final class SimulatedFile: StorageFile {
    let disk: SimulatedDisk
    let inode: Int
    let path: String
    let generation: Int

    init(disk: SimulatedDisk, inode: Int, path: String, generation: Int) {
        self.disk = disk
        self.inode = inode
        self.path = path
        self.generation = generation
    }

    private func checkAlive(_ state: SimulatedDisk.State) throws(FileSystemError) -> SimulatedDisk.Inode {
        guard !state.isDown, state.generation == generation, let node = state.inodes[inode] else {
            throw .simulatedCrash(path: path)
        }
        return node
    }

    func read(at offset: Int, count: Int) throws(FileSystemError) -> [UInt8] {
        try disk.state.withLock { (state) throws(FileSystemError) -> [UInt8] in
            let node = try checkAlive(state)
            let end = min(offset + max(count, 0), node.current.count)
            return offset < end ? Array(node.current[offset..<end]) : []
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileSystemError) {
        try disk.state.withLock { (state) throws(FileSystemError) in
            var node = try checkAlive(state)
            try disk.admit(&state, path: path, generation: generation)
            let copy = [UInt8](bytes)
            SimulatedDisk.apply(copy, at: offset, to: &node.current)
            state.inodes[inode] = node
            state.pending.append(.init(inode: inode, operation: .write(offset: offset, bytes: copy)))
        }
    }

    func sync() throws(FileSystemError) {
        try disk.state.withLock { (state) throws(FileSystemError) in
            var node = try checkAlive(state)
            try disk.admit(&state, path: path, generation: generation)
            node.durable = node.current
            state.inodes[inode] = node
            state.pending.removeAll { $0.inode == inode }
            state.syncCount += 1
        }
    }

    func size() throws(FileSystemError) -> Int {
        try disk.state.withLock { (state) throws(FileSystemError) -> Int in try checkAlive(state).current.count }
    }

    func truncate(to size: Int) throws(FileSystemError) {
        try disk.state.withLock { (state) throws(FileSystemError) in
            var node = try checkAlive(state)
            try disk.admit(&state, path: path, generation: generation)
            SimulatedDisk.resize(&node.current, to: size)
            state.inodes[inode] = node
            state.pending.append(.init(inode: inode, operation: .resize(size)))
        }
    }

    func preallocate(size: Int) throws(FileSystemError) {
        let current = try self.size()
        if size > current { try truncate(to: size) }
    }

    func close() {}
}
