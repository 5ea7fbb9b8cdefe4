/// Majority arithmetic over a set of voters.
enum Quorum {
    /// The number of voters that make a majority.
    static func size(of voters: Int) -> Int { voters / 2 + 1 }

    /// The highest index that a majority of `matches` have reached (0 if there are no voters).
    static func committedIndex(_ matches: [UInt64]) -> UInt64 {
        guard !matches.isEmpty else { return 0 }
        let sorted = matches.sorted(by: >)
        return sorted[size(of: sorted.count) - 1]
    }

    /// The outcome of a vote so far.
    enum VoteResult: Equatable { case won, lost, pending }

    /// Tallies `votes` (granted or not, by voter) against `voters`; votes of non-voters do not count.
    static func tally(voters: [NodeID], votes: [NodeID: Bool]) -> VoteResult {
        var granted = 0
        var rejected = 0
        for v in voters {
            switch votes[v] {
            case true?: granted += 1
            case false?: rejected += 1
            case nil: break
            }
        }
        let need = size(of: voters.count)
        if granted >= need { return .won }
        if rejected > voters.count - need { return .lost }
        return .pending
    }
}
