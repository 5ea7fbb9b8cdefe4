import Synchronization
import Wire

/// Idle keep-alive connections per member address.
/// - Warning: thread-safe (a Mutex); a connection taken out belongs to the taker until put back.
final class GatewayConnectionPool: Sendable {
    private struct Idle {
        var byMember: [[GatewayConnection]]
        var closed = false
    }
    private let idle: Mutex<Idle>
    private let options: HTTPKVClientOptions

    init(memberCount: Int, options: HTTPKVClientOptions) {
        idle = Mutex(Idle(byMember: Array(repeating: [], count: memberCount)))
        self.options = options
    }

    /// A reusable idle connection to member `index`, freshest first; stale ones are closed.
    func take(_ index: Int) -> GatewayConnection? {
        let now = MonotonicClock.nowNanoseconds()
        var stale: [GatewayConnection] = []
        defer { for c in stale { c.close() } }
        return idle.withLock { s -> GatewayConnection? in
            while let c = s.byMember[index].popLast() {
                if now &- c.idleSinceNanoseconds < options.maxIdleNanoseconds { return c }
                stale.append(c)
            }
            return nil
        }
    }

    /// Keeps `connection` for reuse if it may carry another request and there is room.
    func putBack(_ index: Int, _ connection: GatewayConnection) {
        guard connection.reusable else { return connection.close() }
        let kept = idle.withLock { s -> Bool in
            guard !s.closed, s.byMember[index].count < options.maxIdleConnectionsPerMember else { return false }
            s.byMember[index].append(connection)
            return true
        }
        if !kept { connection.close() }
    }

    /// Closes every idle connection; later ones are closed instead of kept.
    func closeAll() {
        let all = idle.withLock { s -> [GatewayConnection] in
            s.closed = true
            defer { for i in s.byMember.indices { s.byMember[i].removeAll() } }
            return s.byMember.flatMap { $0 }
        }
        for c in all { c.close() }
    }
}
