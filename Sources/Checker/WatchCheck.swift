/// C3: each watch stream against the committed log.
///
/// The stream's events must be exactly a prefix of the log's matching events from its
/// start revision on: that one comparison proves ordered, unique, reliable (no gap),
/// correct content and resumable. On top of it: a revision is never split across
/// responses (atomic); a progress notification at R comes only once every matching event
/// at or below R was delivered (bookmarkable); prev_kv equals the replay at revision − 1;
/// a compaction cancel only when the next revision the stream needs is below the compact revision; nothing
/// after a cancel. Watches may lag, so a stream that stops early is fine.
public enum WatchCheck {
    /// All C3 violations of all streams; the first violation of a stream ends its check
    /// (later ones would be consequences).
    public static func check(_ watches: [WatchRecord], replay: KeyspaceReplay) -> [Violation] {
        var violations: [Violation] = []
        for (index, watch) in watches.enumerated() {
            if let violation = check(watch, index: index, replay: replay) { violations.append(violation) }
        }
        return violations
    }

    static func expectedEvents(_ watch: WatchRecord, replay: KeyspaceReplay) -> [WatchEvent] {
        var events: [WatchEvent] = []
        for entry in replay.log where entry.revision >= watch.startRevision {
            for event in entry.events where watch.covers(event.kv.key) { events.append(event.withoutPrevious) }
        }
        return events
    }

    static func check(_ watch: WatchRecord, index: Int, replay: KeyspaceReplay) -> Violation? {
        let expected = expectedEvents(watch, replay: replay)
        let label = "watch #\(index)\(watch.name.isEmpty ? "" : " (\(watch.name))") on \(watch.prefix ? watch.key + "*" : watch.key) from \(watch.startRevision)"
        func fail(_ message: String, response: Int, key: String? = nil, revision: Int64? = nil) -> Violation {
            Violation(.watch, "\(label), response \(response): \(message)", operations: [index], key: key, revision: revision)
        }
        var next = 0
        var lastRevision: Int64 = watch.startRevision - 1
        var canceled = false
        for (number, response) in watch.responses.enumerated() {
            if canceled { return fail("a response after the watch was cancelled", response: number) }
            switch response {
            case .events(let events):
                if events.isEmpty { return fail("an empty event batch", response: number) }
                for event in events {
                    let key = event.kv.key
                    if event.revision < watch.startRevision {
                        return fail("event \(event) is below the start revision", response: number, key: key, revision: event.revision)
                    }
                    if event.revision < lastRevision {
                        return fail("event \(event) goes back in revision (after \(lastRevision)): out of order", response: number, key: key, revision: event.revision)
                    }
                    guard next < expected.count else {
                        return fail("event \(event) is not in the committed log (duplicate or phantom; the log has no more matching events)", response: number, key: key, revision: event.revision)
                    }
                    let want = expected[next]
                    if event.withoutPrevious != want {
                        if event.revision > want.revision {
                            return fail("gap: event \(want) was never delivered; got \(event) instead", response: number, key: want.kv.key, revision: want.revision)
                        }
                        if expected[..<next].contains(event.withoutPrevious) {
                            return fail("duplicate: event \(event) was already delivered", response: number, key: key, revision: event.revision)
                        }
                        return fail("event \(event) differs from the committed \(want)", response: number, key: key, revision: event.revision)
                    }
                    if watch.wantsPreviousKV {
                        let before = replay.keyspace(at: event.revision - 1)?[key]
                        if event.prevKV != before {
                            return fail("prev_kv of \(event) is \(event.prevKV.map { "\($0)" } ?? "(absent)"); the state at revision \(event.revision - 1) is \(before.map { "\($0)" } ?? "(absent)")", response: number, key: key, revision: event.revision)
                        }
                    }
                    lastRevision = event.revision
                    next += 1
                }
                if next < expected.count && expected[next].revision == lastRevision {
                    return fail("revision \(lastRevision) is split: \(expected[next]) is missing from the batch that carried the revision's other events", response: number, key: expected[next].kv.key, revision: lastRevision)
                }
            case .progress(let revision):
                if next < expected.count && expected[next].revision <= revision {
                    return fail("progress notification at \(revision) precedes undelivered event \(expected[next])", response: number, key: expected[next].kv.key, revision: revision)
                }
                if revision > replay.lastRevision {
                    return fail("progress notification at \(revision) is beyond the last committed revision \(replay.lastRevision)", response: number, revision: revision)
                }
                lastRevision = max(lastRevision, revision)
            case .canceled(let compactRevision):
                let needed = max(watch.startRevision, lastRevision + 1)
                if needed >= compactRevision {
                    return fail("cancelled as compacted at \(compactRevision), but the next revision it needed, \(needed), was not compacted", response: number, revision: compactRevision)
                }
                canceled = true
            }
        }
        return nil
    }
}
