import Raft
import MVCC

/// Linearizable reads, batched: every read that arrives in one turn of the loop shares one
/// ReadIndex round (one context). When Raft answers with a read index, the batch waits until the
/// member has applied that far, then every read in it is served from the local keyspace.
/// A batch whose round is lost (leadership changed) is asked again with a fresh context.
struct ReadBatcher {
    struct PendingRead {
        var request: RangeRequest
        var completion: ReadCompletion
        var deadline: UInt64
    }

    private var incoming: [PendingRead] = []
    /// Batches waiting for their read index, by context.
    private var awaitingIndex: [UInt64: [PendingRead]] = [:]
    /// Batches with a read index, waiting to be applied that far.
    private var awaitingApply: [(index: UInt64, reads: [PendingRead])] = []
    /// Contexts are unique across the cluster (the leader keys rounds by them): member id, then a
    /// counter that starts from the clock so a restarted member does not reuse old ones.
    private let memberID: NodeID
    private var nextContext: UInt64

    init(memberID: NodeID, start: UInt64) {
        self.memberID = memberID
        nextContext = start
    }

    var isEmpty: Bool { incoming.isEmpty && awaitingIndex.isEmpty && awaitingApply.isEmpty }

    mutating func add(_ request: RangeRequest, completion: @escaping ReadCompletion, deadline: UInt64) {
        incoming.append(PendingRead(request: request, completion: completion, deadline: deadline))
    }

    /// Starts one ReadIndex round for everything that arrived since the last call.
    mutating func flush(into node: inout RaftNode) {
        guard !incoming.isEmpty else { return }
        let context = nextContext
        nextContext += 1
        awaitingIndex[context] = incoming
        incoming = []
        node.readIndex(context: encode(context))
    }

    /// Asks again for every batch still waiting for an index (after a leader change).
    mutating func retryAll(into node: inout RaftNode) {
        let waiting = awaitingIndex.keys.sorted()
        for context in waiting {
            if let batch = awaitingIndex.removeValue(forKey: context) { incoming += batch }
        }
        flush(into: &node)
    }

    /// Records Raft's answers.
    mutating func received(_ states: [ReadState]) {
        for rs in states {
            guard let context = decode(rs.context), let batch = awaitingIndex.removeValue(forKey: context) else { continue }
            awaitingApply.append((rs.index, batch))
        }
    }

    /// Serves every batch whose index has been applied.
    mutating func serve(appliedIndex: UInt64, keyspace: Keyspace, header: HeaderContext) {
        guard !awaitingApply.isEmpty else { return }
        var still: [(index: UInt64, reads: [PendingRead])] = []
        for batch in awaitingApply {
            guard batch.index <= appliedIndex else {
                still.append(batch)
                continue
            }
            for read in batch.reads {
                do {
                    read.completion(.success(try keyspace.range(read.request)), header)
                } catch {
                    read.completion(.failure(GatewayError(error)), header)
                }
            }
        }
        awaitingApply = still
    }

    /// Fails reads past their deadline.
    mutating func expire(now: UInt64, header: HeaderContext) {
        func split(_ reads: [PendingRead]) -> [PendingRead] {
            var keep: [PendingRead] = []
            for r in reads {
                if r.deadline <= now { r.completion(.failure(.timedOut), header) } else { keep.append(r) }
            }
            return keep
        }
        for context in awaitingIndex.keys.sorted() {
            let kept = split(awaitingIndex[context] ?? [])
            awaitingIndex[context] = kept.isEmpty ? nil : kept
        }
        awaitingApply = awaitingApply.map { ($0.index, split($0.reads)) }.filter { !$0.reads.isEmpty }
        incoming = split(incoming)
    }

    mutating func failAll(_ error: GatewayError, header: HeaderContext) {
        for r in incoming { r.completion(.failure(error), header) }
        for context in awaitingIndex.keys.sorted() { for r in awaitingIndex[context] ?? [] { r.completion(.failure(error), header) } }
        for b in awaitingApply { for r in b.reads { r.completion(.failure(error), header) } }
        incoming = []
        awaitingIndex = [:]
        awaitingApply = []
    }

    private func encode(_ context: UInt64) -> [UInt8] {
        var w = ByteWriter()
        w.uint64(memberID)
        w.uint64(context)
        return w.buffer
    }

    private func decode(_ bytes: [UInt8]) -> UInt64? {
        var r = ByteReader(bytes)
        guard (try? r.uint64()) == memberID else { return nil }
        return try? r.uint64()
    }
}
