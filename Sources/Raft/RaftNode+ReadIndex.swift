extension RaftNode {
    /// ReadIndex (thesis §6.4): the leader records its commit index, confirms with a quorum heartbeat
    /// round that it is still leader, and only then answers. It answers nothing before it has
    /// committed an entry of its own term (until then its commit index may be behind).
    mutating func handleReadIndex(_ m: Message) {
        guard role == .leader else {
            // Followers forward their own requests; a request forwarded to a non-leader is dropped.
            if m.from == id && leader != noNode {
                send(Message(kind: .readIndex, from: id, to: leader, term: term, context: m.context))
            }
            return
        }
        guard log.term(at: log.committed) == term else {
            readsAwaitingTermCommit.append(m)
            return
        }
        if conf.voters == [id] || (config.leaseReads && config.checkQuorum) {
            answerRead(m, index: log.committed)
            return
        }
        guard conf.voters.contains(id) else { return }
        readOnly.add(m, index: log.committed, selfID: id)
        sendHeartbeats(context: m.context)
    }

    mutating func acknowledgeReadRound(context: [UInt8], from: NodeID) {
        guard let acks = readOnly.acknowledge(context: context, from: from) else { return }
        let votingAcks = conf.voters.filter { acks.contains($0) }.count
        guard votingAcks >= Quorum.size(of: conf.voters.count) else { return }
        for pending in readOnly.release(through: context) {
            answerRead(pending.request, index: pending.index)
        }
    }

    mutating func answerRead(_ request: Message, index: UInt64) {
        if request.from == id {
            readStates.append(ReadState(index: index, context: request.context))
        } else {
            send(Message(kind: .readIndexResponse, from: id, to: request.from, term: term, index: index,
                         context: request.context))
        }
    }
}
