import Checker

/// Turns a committed log into a correct watch stream: whole revisions per batch, prev_kv set,
/// random batch sizes and an occasional progress notification.
enum WatchStreams {
    static func deliver(_ log: [CommittedRevision], from start: Int64, filter: (String) -> Bool,
                        using rng: inout SeededGenerator) -> [WatchResponse] {
        var responses: [WatchResponse] = []
        var batch: [WatchEvent] = []
        for entry in log where entry.revision >= start {
            batch += entry.events.filter { filter($0.kv.key) }
            if !batch.isEmpty && Int.random(in: 0..<3, using: &rng) == 0 {
                responses.append(.events(batch))
                batch = []
                if Bool.random(using: &rng) { responses.append(.progress(revision: entry.revision)) }
            }
        }
        if !batch.isEmpty { responses.append(.events(batch)) }
        return responses
    }
}
