import Raft
@testable import WAL

/// One call a Raft loop makes on the WAL.
enum WALOperation: CustomStringConvertible {
    case save(HardState?, [Entry])
    case snapshot(Snapshot)
    case install(Snapshot, HardState?, [Entry])

    var description: String {
        switch self {
        case .save(let hardState, let entries):
            "save(hs: \(hardState.map { "\($0.term)/\($0.commit)" } ?? "-"), \(entries.first?.index ?? 0)+\(entries.count))"
        case .snapshot(let snapshot): "snapshot(\(snapshot.metadata.index))"
        case .install(let snapshot, _, let entries): "install(\(snapshot.metadata.index), +\(entries.count))"
        }
    }

    func apply(to wal: WriteAheadLog) throws(WALError) {
        switch self {
        case .save(let hardState, let entries): try wal.save(hardState: hardState, entries: entries)
        case .snapshot(let snapshot): try wal.saveSnapshot(snapshot)
        case .install(let snapshot, let hardState, let entries):
            try wal.save(hardState: hardState, entries: entries, installing: snapshot)
        }
    }
}

/// What the WAL should hold after a sequence of operations, computed without the WAL.
struct ModelState: Equatable {
    var log: [Entry] = []
    var hardState = HardState()
    var snapshot: Snapshot?

    var lastIndex: UInt64 { log.last?.index ?? snapshot?.metadata.index ?? 0 }
    var snapshotIndex: UInt64 { snapshot?.metadata.index ?? 0 }

    mutating func apply(_ operation: WALOperation) {
        switch operation {
        case .save(let hardState, let entries):
            append(entries)
            if let hardState { self.hardState = hardState }
        case .snapshot(let snapshot):
            self.snapshot = snapshot
        case .install(let snapshot, let hardState, let entries):
            self.snapshot = snapshot
            log = []
            append(entries)
            if let hardState { self.hardState = hardState }
        }
    }

    private mutating func append(_ entries: [Entry]) {
        guard let first = entries.first else { return }
        log.removeAll { $0.index >= first.index }
        log.append(contentsOf: entries)
    }

    /// What recovery should return for this state.
    var expectedRecovery: RecoveredState {
        RecoveredState(snapshot: snapshot, hardState: hardState, entries: log.filter { $0.index > snapshotIndex })
    }

    func term(at index: UInt64) -> UInt64 {
        log.first { $0.index == index }?.term ?? snapshot?.metadata.term ?? 0
    }
}

/// Builds a random but valid sequence of WAL operations from a seed: appends, conflicting rewrites,
/// hard-state changes, local snapshots and snapshot installs.
func makeWorkload(seed: UInt64, count: Int, maxEntryBytes: Int = 24, snapshots: Bool = true) -> [WALOperation] {
    var random = SeededRandom(seed: seed)
    var model = ModelState()
    var term: UInt64 = 1
    var operations: [WALOperation] = []
    func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
    for _ in 0..<count {
        let roll = random.next() % 100
        let operation: WALOperation
        if snapshots && roll < 12 && model.lastIndex > model.snapshotIndex {
            let index = model.snapshotIndex + 1 + random.next() % (model.lastIndex - model.snapshotIndex)
            let metadata = SnapshotMetadata(index: index, term: model.term(at: index), confState: ConfState(voters: [1, 2, 3]))
            operation = .snapshot(Snapshot(metadata: metadata, data: bytes(Int(random.next() % 64))))
        } else if snapshots && roll < 18 {
            term += 1
            let index = model.lastIndex + random.next() % 4
            guard index > model.snapshotIndex else { continue }
            let metadata = SnapshotMetadata(index: index, term: term, confState: ConfState(voters: [1, 2], learners: [4]))
            let entries = (0..<(random.next() % 3)).map {
                Entry(term: term, index: index + 1 + $0, data: bytes(Int(random.next() % UInt64(maxEntryBytes + 1))))
            }
            operation = .install(Snapshot(metadata: metadata, data: bytes(Int(random.next() % 64))),
                                 HardState(term: term, vote: 1, commit: index), entries)
        } else {
            var start = model.lastIndex + 1
            if roll < 35 && model.lastIndex > model.snapshotIndex {
                term += 1
                start = model.snapshotIndex + 1 + random.next() % (model.lastIndex - model.snapshotIndex)
            }
            let count = random.next() % 5
            let entries = (0..<count).map {
                Entry(term: term, index: start + $0, kind: random.next() % 8 == 0 ? .confChange : .normal,
                      data: bytes(Int(random.next() % UInt64(maxEntryBytes + 1))))
            }
            let hardState = random.next() % 2 == 0 || entries.isEmpty
                ? HardState(term: term, vote: random.next() % 4, commit: random.next() % (model.lastIndex + 1))
                : nil
            operation = .save(hardState, entries)
        }
        model.apply(operation)
        operations.append(operation)
    }
    return operations
}

/// The states after each prefix of `operations`: element `k` is the state after the first `k`.
func modelStates(_ operations: [WALOperation]) -> [ModelState] {
    var model = ModelState()
    var states = [model]
    for operation in operations {
        model.apply(operation)
        states.append(model)
    }
    return states
}

/// Recovery with its informational torn-tail field dropped, to compare with a model.
func withoutTornTail(_ state: RecoveredState) -> RecoveredState {
    var copy = state
    copy.tornTail = nil
    return copy
}

let walDirectory = "/data/wal"
