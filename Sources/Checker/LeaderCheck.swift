/// One sighting of a member claiming leadership (from status endpoints or logs).
public struct LeaderObservation: Hashable, Sendable {
    /// The Raft term.
    public var term: UInt64
    /// The member that was leader in that term.
    public var leader: UInt64
    /// Who reported it (member id or client), for the report.
    public var observer: String

    /// Creates an observation.
    public init(term: UInt64, leader: UInt64, observer: String) {
        self.term = term
        self.leader = leader
        self.observer = observer
    }
}

/// C5: at most one leader per term.
public enum LeaderCheck {
    /// One violation per term that saw two or more different leaders, in term order.
    public static func check(_ observations: [LeaderObservation]) -> [Violation] {
        var byTerm: [UInt64: [Int]] = [:]
        for (index, observation) in observations.enumerated() { byTerm[observation.term, default: []].append(index) }
        var violations: [Violation] = []
        for term in byTerm.keys.sorted() {
            let indices = byTerm[term] ?? []
            let leaders = Set(indices.map { observations[$0].leader })
            guard leaders.count > 1 else { continue }
            let sightings = indices.map { "\(observations[$0].observer) saw \(observations[$0].leader)" }.joined(separator: ", ")
            violations.append(Violation(.leaderPerTerm, "term \(term) has \(leaders.count) leaders \(leaders.sorted()): \(sightings)", operations: indices))
        }
        return violations
    }
}
