import Testing
@testable import MVCC

/// Drives a keyspace and the reference model with the same seeded random requests and checks that they
/// agree after every step: ranges at every retained revision, errors, and every watcher's stream.
struct ModelDriver {
    let seed: UInt64
    var generator: SeededGenerator
    let keyspace: Keyspace
    var model = ReferenceModel()
    var watches: [Int: WatchRecord] = [:]
    let keyPool: [[UInt8]] = ["a", "a/1", "a/2", "a/3", "b", "b/1", "b/2", "c", "d/x", "e"].map { Array($0.utf8) }
    var step = 0

    /// What a test knows about one watcher.
    struct WatchRecord {
        var start: Int64
        var interval: KeyInterval
        var noPut: Bool
        var noDelete: Bool
        var prevKV: Bool
        var received: [Event] = []
        var bookmark: Int64 = 0
        var canceledAt: Int64?
        var lastMain: Int64 = 0
    }

    init(seed: UInt64, maxPending: Int, nodeSize: Int) {
        self.seed = seed
        self.generator = SeededGenerator(seed: seed)
        self.keyspace = Keyspace(maxPendingEventsPerWatcher: maxPending, maxKeysPerNode: nodeSize)
    }

    var context: String { "seed \(seed) step \(step)" }

    mutating func randomKey() -> [UInt8] { keyPool[Int.random(in: 0..<keyPool.count, using: &generator)] }

    mutating func randomInterval() -> (key: [UInt8], rangeEnd: [UInt8]) {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: return (randomKey(), [])
        case 1: return (b("a/"), b("a0"))
        case 2: return (b("b"), [0])
        default: return ([0], [0])
        }
    }

    mutating func run(steps: Int) throws {
        for index in 0..<steps {
            step = index
            try randomStep()
            try checkRanges(everyRevision: true)
            try checkRandomRangeOptions()
        }
        try finishWatches()
    }

    mutating func randomStep() throws {
        let roll = Int.random(in: 0..<100, using: &generator)
        switch roll {
        case 0..<35: try randomPut()
        case 35..<45: try randomDelete()
        case 45..<60: try randomTxn()
        case 60..<62: try randomCompact()
        case 62..<68: try randomLeaseGrant()
        case 68..<71: try randomLeaseRevoke()
        case 71..<77: try randomWatch()
        case 77..<87:
            keyspace.syncUnsyncedWatchers(maxEvents: Int.random(in: 1..<6, using: &generator))
        default: try randomDrain()
        }
    }

    mutating func randomPut() throws {
        let key = randomKey()
        let value = b("v\(Int.random(in: 0..<5, using: &generator))")
        var lease: Int64 = 0
        let leaseRoll = Int.random(in: 0..<10, using: &generator)
        if leaseRoll < 2, let existing = model.leases.keys.sorted().randomElement(using: &generator) { lease = existing }
        if leaseRoll == 9 { lease = 999_999 }
        let request = PutRequest(key: key, value: value, lease: lease, prevKV: true)
        if lease == 999_999 {
            #expect(throws: MVCCError.leaseNotFound(999_999), "\(context)") { try keyspace.put(request) }
            return
        }
        let response = try keyspace.put(request)
        var working = model.begin()
        let previous = ReferenceModel.put(&working, key: key, value: value, lease: lease)
        model.end(working)
        #expect(response.prevKV == previous, "\(context)")
        #expect(response.header.revision == model.current, "\(context)")
    }

    mutating func randomDelete() throws {
        let (key, rangeEnd) = randomInterval()
        let response = try keyspace.deleteRange(DeleteRangeRequest(key: key, rangeEnd: rangeEnd, prevKV: true))
        var working = model.begin()
        let deleted = ReferenceModel.delete(&working, interval: try KeyInterval(key: key, rangeEnd: rangeEnd))
        model.end(working)
        #expect(response.prevKVs == deleted, "\(context)")
        #expect(response.deleted == Int64(deleted.count), "\(context)")
        #expect(response.header.revision == model.current, "\(context)")
    }

    mutating func randomTxn() throws {
        let compareKey = randomKey()
        let current = model.state[ByteKey(compareKey)]
        let target: Compare.Target
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: target = .value(Bool.random(using: &generator) ? (current?.value ?? b("v0")) : b("v1"))
        case 1: target = .version(Int64.random(in: 0..<3, using: &generator))
        case 2: target = .modRevision(Int64.random(in: 0...(model.current + 1), using: &generator))
        case 3: target = .createRevision(0)
        default: target = .lease(0)
        }
        let result = Compare.Result(rawValue: Int.random(in: 0..<4, using: &generator)) ?? .equal
        let compare = Compare(key: compareKey, result: result, target: target)
        var keys = keyPool.shuffled(using: &generator)
        func branch(_ count: Int, _ keys: inout [[UInt8]], _ generator: inout SeededGenerator) -> [RequestOp] {
            (0..<count).map { _ in
                let key = keys.removeLast()
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: return .put(PutRequest(key: key, value: b("t\(Int.random(in: 0..<3, using: &generator))"), prevKV: true))
                case 1: return .deleteRange(DeleteRangeRequest(key: key, prevKV: true))
                default: return .range(RangeRequest(key: b("a"), rangeEnd: [0]))
                }
            }
        }
        var success = branch(Int.random(in: 0...3, using: &generator), &keys, &generator)
        let failure = branch(Int.random(in: 0...2, using: &generator), &keys, &generator)
        if Int.random(in: 0..<12, using: &generator) == 0 {
            // Duplicate key: two puts of one key must be refused and change nothing.
            success = [.put(PutRequest(key: b("dup"), value: b("1"))), .put(PutRequest(key: b("dup"), value: b("2")))]
            let before = keyspace.currentRevision
            #expect(throws: MVCCError.duplicateKeyInTxn(b("dup")), "\(context)") {
                try keyspace.txn(TxnRequest(compare: [compare], success: success, failure: failure))
            }
            #expect(keyspace.currentRevision == before)
            return
        }
        let response = try keyspace.txn(TxnRequest(compare: [compare], success: success, failure: failure))
        // Model: evaluate the compare, then run the chosen branch.
        let holds: Bool
        if current == nil, case .value = target {
            holds = false
        } else {
            holds = KeyspaceState.compare(compare, current.map {
                KeyVersion(modRevision: Revision(main: $0.modRevision), createRevision: $0.createRevision,
                           version: $0.version, lease: $0.lease, value: $0.value)
            })
        }
        #expect(response.succeeded == holds, "\(context)")
        var working = model.begin()
        var expected: [ResponseOp] = []
        for operation in holds ? success : failure {
            switch operation {
            case .put(let put):
                let previous = ReferenceModel.put(&working, key: put.key, value: put.value, lease: 0)
                expected.append(.put(PutResponse(header: ResponseHeader(revision: 0), prevKV: previous)))
            case .deleteRange(let delete):
                let deleted = ReferenceModel.delete(&working, interval: try KeyInterval(key: delete.key, rangeEnd: delete.rangeEnd))
                expected.append(.deleteRange(DeleteRangeResponse(header: ResponseHeader(revision: 0), deleted: Int64(deleted.count), prevKVs: deleted)))
            case .range(let range):
                let interval = try KeyInterval(key: range.key, rangeEnd: range.rangeEnd)
                let kvs = working.state.filter { interval.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
                expected.append(.range(RangeResponse(header: ResponseHeader(revision: 0), kvs: kvs, more: false, count: Int64(kvs.count))))
            case .txn: break
            }
        }
        model.end(working)
        KeyspaceState.stamp(&expected, revision: model.current)
        #expect(response.responses == expected, "\(context)")
        #expect(response.header.revision == model.current, "\(context)")
    }

    mutating func randomCompact() throws {
        if Int.random(in: 0..<4, using: &generator) == 0 || model.current <= model.compactRevision {
            let bad = model.compactRevision
            #expect(throws: MVCCError.compacted(requested: bad, compactRevision: model.compactRevision), "\(context)") {
                try keyspace.compact(CompactionRequest(revision: bad))
            }
            return
        }
        // Compact a little at a time so most watchers stay resumable and some get cancelled.
        let span = Swift.max(1, (model.current - model.compactRevision) / 4)
        let revision = Int64.random(in: (model.compactRevision + 1)...(model.compactRevision + span), using: &generator)
        _ = try keyspace.compact(CompactionRequest(revision: revision))
        model.compactRevision = revision
    }

    mutating func randomLeaseGrant() throws {
        let response = try keyspace.grantLease(LeaseGrantRequest(ttlSeconds: 10), nowNanoseconds: 0)
        #expect(model.leases[response.id] == nil, "\(context)")
        model.leases[response.id] = []
    }

    mutating func randomLeaseRevoke() throws {
        guard let id = model.leases.keys.sorted().randomElement(using: &generator) else { return }
        let response = try keyspace.revokeLease(LeaseRevokeRequest(id: id))
        var working = model.begin()
        for key in (working.leases[id] ?? []).sorted() {
            _ = ReferenceModel.delete(&working, interval: try KeyInterval(key: key.bytes, rangeEnd: []))
        }
        working.leases[id] = nil
        model.end(working)
        #expect(response.revision == model.current, "\(context)")
        #expect(keyspace.leaseIDs() == model.leases.keys.sorted(), "\(context)")
    }

    mutating func randomWatch() throws {
        let (key, rangeEnd) = randomInterval()
        let low = Swift.max(model.compactRevision - 1, 0)
        let start = Int64.random(in: low...(model.current + 2), using: &generator)
        let request = WatchCreateRequest(key: key, rangeEnd: rangeEnd, startRevision: start,
                                         noPut: Int.random(in: 0..<8, using: &generator) == 0,
                                         noDelete: Int.random(in: 0..<8, using: &generator) == 0,
                                         prevKV: Bool.random(using: &generator))
        let handle = try keyspace.createWatcher(request)
        let effectiveStart = start == 0 ? model.current + 1 : start
        watches[handle] = WatchRecord(start: effectiveStart, interval: try KeyInterval(key: key, rangeEnd: rangeEnd),
                                      noPut: request.noPut, noDelete: request.noDelete, prevKV: request.prevKV)
    }

    mutating func randomDrain() throws {
        guard let handle = watches.keys.sorted().randomElement(using: &generator) else { return }
        if let progress = keyspace.progressRevision(handle) {
            #expect(progress == model.current, "\(context)")
            watches[handle]?.bookmark = progress
        }
        let limit = Int.random(in: 1..<5, using: &generator)
        if let batch = keyspace.drain(handle, maxEvents: limit) { try record(batch) }
    }

    mutating func record(_ batch: WatchBatch) throws {
        guard var record = watches[batch.handle] else { Issue.record("unknown handle \(context)"); return }
        defer { watches[batch.handle] = record }
        if case .canceled(let compactRevision) = batch.kind {
            record.canceledAt = compactRevision
            return
        }
        #expect(!batch.events.isEmpty, "\(context)")
        if let first = batch.events.first {
            // Atomic: a revision never continues into the next batch.
            #expect(first.revision.main > record.lastMain, "revision split across batches \(context)")
        }
        for shared in batch.events {
            let event = shared.event
            #expect(event.kv.modRevision > record.bookmark, "event at or below a progress notify \(context)")
            var plain = event
            if !record.prevKV { plain.prevKV = nil }
            var expectedBytes: [UInt8] = []
            GatewayJSON.appendEvent(event, includePrevKV: record.prevKV, to: &expectedBytes)
            #expect(shared.bytes(prevKV: record.prevKV) == expectedBytes, "\(context)")
            record.received.append(plain)
            record.lastMain = event.kv.modRevision
        }
        #expect(batch.headerRevision >= record.lastMain, "\(context)")
    }

    /// Brings every watcher up to date and compares its whole stream with the model.
    mutating func finishWatches() throws {
        for _ in 0..<10_000 {
            keyspace.syncUnsyncedWatchers(maxEvents: 7)
            var drained = false
            for handle in watches.keys.sorted() {
                while let batch = keyspace.drain(handle, maxEvents: 3) {
                    try record(batch)
                    drained = true
                }
            }
            if !drained && keyspace.watcherCounts.unsynced == 0 { break }
        }
        #expect(keyspace.watcherCounts.unsynced == 0, "\(context)")
        for handle in watches.keys.sorted() {
            guard let record = watches[handle] else { continue }
            var expected = model.events(from: record.start, interval: record.interval, noPut: record.noPut, noDelete: record.noDelete)
            if !record.prevKV { expected = expected.map { var e = $0; e.prevKV = nil; return e } }
            if let compactRevision = record.canceledAt {
                #expect(record.received.count <= expected.count, "\(context) watcher \(handle)")
                #expect(Array(expected.prefix(record.received.count)) == record.received, "\(context) watcher \(handle)")
                let nextNeeded = record.received.last.map { $0.kv.modRevision + 1 } ?? record.start
                #expect(nextNeeded < compactRevision, "cancelled though revision \(nextNeeded) is retained \(context)")
            } else {
                #expect(record.received == expected, "\(context) watcher \(handle) start \(record.start)")
                #expect(keyspace.progressRevision(handle) == model.current, "\(context)")
            }
        }
    }

    /// Ranges at retained revisions equal the model; revisions outside are refused.
    func checkRanges(everyRevision: Bool) throws {
        #expect(keyspace.currentRevision == model.current, "\(context)")
        let lowest = Swift.max(model.compactRevision, 1)
        let revisions: [Int64] = everyRevision ? Array(lowest...model.current) : [lowest, model.current]
        let all = try KeyInterval(key: [0], rangeEnd: [0])
        let prefix = try KeyInterval(key: b("a/"), rangeEnd: b("a0"))
        for revision in revisions {
            let response = try keyspace.range(RangeRequest(key: [0], rangeEnd: [0], revision: revision))
            let expected = model.range(all, at: revision)
            #expect(response.kvs == expected, "\(context) at \(revision)")
            #expect(response.count == Int64(expected.count), "\(context)")
            let limited = try keyspace.range(RangeRequest(key: b("a/"), rangeEnd: b("a0"), limit: 2, revision: revision,
                                                          sortOrder: .descend, sortTarget: .mod))
            var byMod = model.range(prefix, at: revision)
            byMod = KeyspaceStateSortReference.sortedByModDescending(byMod)
            #expect(limited.kvs == Array(byMod.prefix(2)), "\(context) at \(revision)")
            #expect(limited.more == (byMod.count > 2), "\(context)")
            #expect(limited.count == Int64(byMod.count), "\(context)")
        }
        if model.compactRevision > 1 {
            #expect(throws: MVCCError.compacted(requested: model.compactRevision - 1, compactRevision: model.compactRevision)) {
                try keyspace.range(RangeRequest(key: b("a"), revision: model.compactRevision - 1))
            }
        }
        #expect(throws: MVCCError.futureRevision(requested: model.current + 1, currentRevision: model.current)) {
            try keyspace.range(RangeRequest(key: b("a"), revision: model.current + 1))
        }
    }
}

extension ModelDriver {
    /// One range with random options at a random retained revision, against the model's own
    /// filter → sort → limit.
    mutating func checkRandomRangeOptions() throws {
        let lowest = Swift.max(model.compactRevision, 1)
        let revision = Int64.random(in: lowest...model.current, using: &generator)
        let (key, rangeEnd) = randomInterval()
        let order = RangeRequest.SortOrder(rawValue: Int.random(in: 0..<3, using: &generator)) ?? .none
        let target = RangeRequest.SortTarget(rawValue: Int.random(in: 0..<5, using: &generator)) ?? .key
        let limit = Int64.random(in: 0..<4, using: &generator)
        let minMod = Bool.random(using: &generator) ? Int64.random(in: 0...revision, using: &generator) : 0
        let maxCreate = Bool.random(using: &generator) ? Int64.random(in: 0...revision, using: &generator) : 0
        let keysOnly = Bool.random(using: &generator)
        let countOnly = Int.random(in: 0..<5, using: &generator) == 0
        let request = RangeRequest(key: key, rangeEnd: rangeEnd, limit: limit, revision: revision, sortOrder: order,
                                   sortTarget: target, keysOnly: keysOnly, countOnly: countOnly,
                                   minModRevision: minMod, maxCreateRevision: maxCreate)
        let response = try keyspace.range(request)
        let all = model.range(try KeyInterval(key: key, rangeEnd: rangeEnd), at: revision)
        var kvs = all.filter { (minMod == 0 || $0.modRevision >= minMod) && (maxCreate == 0 || $0.createRevision <= maxCreate) }
        func field(_ kv: KeyValue) -> [UInt8] {
            func bytes(_ value: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (56 - 8 * UInt64($0))) } }
            switch target {
            case .key: return kv.key
            case .version: return bytes(kv.version)
            case .create: return bytes(kv.createRevision)
            case .mod: return bytes(kv.modRevision)
            case .value: return kv.value
            }
        }
        let effective = (target != .key && order == .none) ? .ascend : order
        if effective != .none {
            kvs = kvs.enumerated().sorted { lhs, rhs in
                let a = field(lhs.element), c = field(rhs.element)
                if a != c { return effective == .ascend ? a.lexicographicallyPrecedes(c) : c.lexicographicallyPrecedes(a) }
                return lhs.offset < rhs.offset
            }.map(\.element)
        }
        var more = false
        if limit > 0 && kvs.count > Int(limit) {
            kvs = Array(kvs.prefix(Int(limit)))
            more = true
        }
        if keysOnly { kvs = kvs.map { var kv = $0; kv.value = []; return kv } }
        if countOnly { kvs = [] }
        #expect(response.count == Int64(all.count), "\(context) \(request)")
        #expect(response.kvs == kvs, "\(context) \(request)")
        if !countOnly { #expect(response.more == more, "\(context) \(request)") }
    }
}

/// Independent sort used by the model checks: mod revision descending, ties in key order.
enum KeyspaceStateSortReference {
    static func sortedByModDescending(_ kvs: [KeyValue]) -> [KeyValue] {
        kvs.enumerated().sorted { lhs, rhs in
            if lhs.element.modRevision != rhs.element.modRevision { return lhs.element.modRevision > rhs.element.modRevision }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
