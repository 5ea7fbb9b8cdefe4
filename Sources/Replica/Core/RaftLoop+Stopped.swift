import MVCC

extension RaftLoop {
    /// Answers an input that arrived after the loop ended (or was still queued when it ended), so no
    /// caller waits for an answer that will never come: requests fail with "server stopped", watch
    /// streams end, `queryOrStopped` bodies get nil, plain queries and peer messages are dropped.
    /// Runs on whichever thread submitted the input, or on the loop thread during shutdown; it
    /// touches no loop state.
    func refuseAfterStop(_ input: LoopInput) {
        let header = HeaderContext(clusterID: cluster.clusterID, memberID: member.id, raftTerm: 0)
        switch input {
        case .write(_, let completion):
            completion(.failure(.stopping), header)
        case .read(_, let completion):
            completion(.failure(.stopping), header)
        case .keepAlive(_, let completion):
            completion(.failure(.stopping), header)
        case .leaseTimeToLive(_, _, let completion):
            completion(.failure(.stopping), header)
        case .memberChange(_, let completion):
            completion(.failure(.stopping), header)
        case .queryOrStopped(let body):
            body(nil)
        case .watch(.open(_, let responder)):
            responder.end()
        case .watch(.openLocal(_, let output)):
            output.end()
        case .watch, .query, .peer, .snapshotFinished, .stop:
            break
        }
    }
}
