import TestSupport
import JSON

extension ScenarioRunner {
    /// Item 16, `wal-bit-flip`: SIGKILL a follower, flip one bit a third of the way into its newest WAL
    /// segment, restart it: it must exit and its log must name the segment as corrupt; the other two keep
    /// serving (C7 and C4 over them).
    ///
    /// `wal-bit-flip-rejoin` goes on: `member remove` the corrupted member, wipe its data, `member add` it
    /// under the same name, start it with `--join`, wait until it has caught up, restart it once from its
    /// own data folder, and run C4 over all three.
    static func walBitFlip(_ scenario: Scenario, seed: UInt64) throws -> RunOutcome {
        let run = try FaultRun(scenario: scenario.rawValue, seed: seed, snapshotEvery: 100_000)
        try run.begin()
        pause(2)
        let leader = try run.cluster.waitForLeader()
        let follower = run.cluster.names.filter { $0 != leader }.randomElement(using: &run.random)!
        run.cluster.kill(follower)
        guard let (file, offset) = CorruptWAL.flipByte(in: run.cluster.dataDirectory(follower), random: &run.random) else {
            var outcome = run.finish()
            outcome.problems.append("no WAL record to corrupt in \(follower)")
            return outcome
        }
        try run.cluster.start(follower)
        // It must refuse to start and say where; the other two keep serving.
        if run.cluster.waitForExit(follower, seconds: 8) {
            let log = run.cluster.logTail(follower, lines: 30)
            let name = String(file.split(separator: "/").last ?? "")
            if !(log.contains(name) && log.contains("corrupt")) {
                run.notes.append("refused: \(follower) refused to start but its log does not name \(name) as corrupt: \(log.suffix(300))")
            }
        } else {
            run.notes.append("refused: \(follower) started on a WAL with a flipped bit at \(file):\(offset)")
            run.cluster.kill(follower)
        }
        run.excluded.insert(follower)
        pause(scenario == .walBitFlipRejoin ? 1 : 2)
        if scenario == .walBitFlipRejoin { try rejoinWiped(follower, run: run) }
        run.scenarioProblems += run.notes.filter { $0.hasPrefix("refused") || $0.hasPrefix("rejoin") }
        return run.finish()
    }

    /// Removes a (stopped) member, wipes its data, adds it back under its name and starts it with `--join`;
    /// waits until its revision reaches the leader's. It then takes part in ``FaultRun/finish`` (C4 over all).
    private static func rejoinWiped(_ member: String, run: FaultRun) throws {
        let cluster = run.cluster
        var leader = try cluster.waitForLeader()
        let (removed, removeBody) = try cluster.post(leader, "/v3/cluster/member/remove", #"{"ID":"\#(cluster.ids[member]!)"}"#, timeoutSeconds: 5)
        guard removed == 200 else {
            run.notes.append("rejoin: member remove of \(member) answered \(removed) \(removeBody)")
            return
        }
        removeTree(cluster.dataDirectory(member))
        run.monotonic.forget(member)
        // Added back under its name; the leader may refuse while the removal is still pending: retry.
        let add = #"{"name":"\#(member)","peerURLs":["http://127.0.0.1:\#(cluster.peerPort(member))"],"clientURLs":["http://127.0.0.1:\#(cluster.clientPort(member))"]}"#
        let deadline = monotonicSeconds() + 10
        var answer = ""
        var addAnswer = JSONValue.null
        var added = false
        while !added && monotonicSeconds() < deadline {
            leader = (try? cluster.waitForLeader(seconds: 5)) ?? leader
            if let (status, body) = try? cluster.post(leader, "/v3/cluster/member/add", add, timeoutSeconds: 5) {
                added = status == 200
                answer = "\(status) \(body)"
                addAnswer = body
            }
            if !added { pause(0.3) }
        }
        guard added else {
            run.notes.append("rejoin: member add of \(member) never succeeded: \(answer)")
            return
        }
        // The re-added member has a fresh id (Findings 2's fix), looked up by name when it joins.
        if !cluster.adoptID(of: member, fromAddAnswer: addAnswer) { run.notes.append("rejoin: member add answered no id: \(answer)") }
        try cluster.start(member, extra: ["--join"])
        run.excluded.remove(member)
        // Caught up: its own (serializable) revision reaches what the leader had when it started.
        let target = cluster.status(leader)?.revision ?? 0
        let until = monotonicSeconds() + 20
        var reached: Int64 = 0
        while monotonicSeconds() < until && reached < target {
            if !cluster.isUp(member) || cluster.waitForExit(member, seconds: 0.05) { break }
            reached = cluster.status(member)?.revision ?? reached
            if reached < target { pause(0.2) }
        }
        if reached < target {
            let state = cluster.running.contains(member) ? "still running" : "exited"
            run.notes.append("rejoin: the re-added \(member) reached revision \(reached) of \(target) (\(state)): \(cluster.logTail(member, lines: 4))")
            // Reported; C4 then runs over the other two instead of waiting for it.
            cluster.kill(member)
            run.excluded.insert(member)
        } else {
            // Once more from its own data folder (no --join): it must keep the id it was given.
            cluster.kill(member)
            try run.restart(member)
            run.notes.append("re-joined \(member) caught up to \(reached), then restarted")
        }
    }
}
