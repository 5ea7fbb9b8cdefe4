/// The leader's pending ReadIndex requests, each waiting for a quorum to answer the heartbeat round
/// that carries its context. Requests are released in arrival order: when a quorum acknowledges
/// request k, every request queued before k is safe too.
struct ReadOnlyQueue: Sendable {
    struct Pending: Sendable {
        var request: Message
        var index: UInt64
        var acks: Set<NodeID>
    }

    private(set) var queue: [Pending] = []

    var isEmpty: Bool { queue.isEmpty }

    mutating func add(_ request: Message, index: UInt64, selfID: NodeID) {
        if queue.contains(where: { $0.request.context == request.context }) { return }
        queue.append(Pending(request: request, index: index, acks: [selfID]))
    }

    /// Records `from`'s acknowledgement of the round for `context`; returns the acks so far.
    mutating func acknowledge(context: [UInt8], from: NodeID) -> Set<NodeID>? {
        guard let i = queue.firstIndex(where: { $0.request.context == context }) else { return nil }
        queue[i].acks.insert(from)
        return queue[i].acks
    }

    /// Removes and returns every request up to and including the one with `context`.
    mutating func release(through context: [UInt8]) -> [Pending] {
        guard let i = queue.firstIndex(where: { $0.request.context == context }) else { return [] }
        let released = Array(queue[...i])
        queue.removeSubrange(...i)
        return released
    }

    /// The context of the newest pending request (heartbeats carry it so one round serves all).
    var lastContext: [UInt8]? { queue.last?.request.context }

    mutating func removeAll() { queue.removeAll() }
}
