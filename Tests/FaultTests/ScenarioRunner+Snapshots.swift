import TestSupport

extension ScenarioRunner {
    /// Item 10b, `two-quick-snapshots`: with `--snapshot-every 8` the leader snapshots (and compacts its log)
    /// every few dozen milliseconds. A follower is isolated until it is far behind, restarted with a crash
    /// point on its **second** snapshot install (`before-` or `after-snapshot-install`, hit 2), and healed
    /// with its incoming links delayed for 1.5 s, so the snapshot it installs first is already stale when it
    /// asks for the next entries: the leader has taken newer snapshots meanwhile and must send one of them.
    /// (When it still catches up from the log, short one-way cuts from the leader make it need a newer
    /// snapshot; the notes say how many.) The follower crashes during that second install, restarts clean,
    /// and must catch up; every check runs. The scenario fails unless the follower installed at least two
    /// different snapshots and crashed.
    static func twoQuickSnapshots(seed: UInt64) throws -> RunOutcome {
        let run = try FaultRun(scenario: Scenario.twoQuickSnapshots.rawValue, seed: seed, snapshotEvery: 8)
        try run.begin(clients: 5, watchers: 2)
        pause(0.5)
        let (leader, follower) = try run.isolateFollower(untilAhead: 80, atLeastSeconds: 1.5, atMostSeconds: 15, pollSeconds: 0.2)
        run.cluster.kill(follower)
        let point = run.random.chance(50) ? "before-snapshot-install" : "after-snapshot-install"
        try run.restart(follower, environment: ["TERN_CRASH_AT": point, "TERN_CRASH_AFTER": "2"])
        pause(0.3)
        run.cluster.heal()
        // The first snapshot reaches it late (links to it delayed for a moment), so the leader has taken newer
        // ones by the time it asks for the next entries. Should it still catch up from the log, cut the leader
        // from it for 0.6 s (the leader snapshots and compacts meanwhile) until it needs a newer snapshot.
        let delay = Int.random(in: 20...60, using: &run.random)
        for other in run.cluster.names where other != follower { run.cluster.link(other, follower, .delay(milliseconds: delay)) }
        pause(1.5)
        for other in run.cluster.names where other != follower { run.cluster.link(other, follower, .pass) }
        var crashed = run.cluster.waitForExit(follower, seconds: 3)
        var cuts = 0
        while !crashed && cuts < 4 {
            cuts += 1
            let current = (try? run.cluster.waitForLeader(seconds: 5, excluding: follower)) ?? leader
            run.cluster.link(current, follower, .blackhole)
            pause(0.6)
            run.cluster.link(current, follower, .pass)
            crashed = run.cluster.waitForExit(follower, seconds: 3)
        }
        run.notes.append("\(point) (hit 2) on \(follower), links to it delayed \(delay) ms for 1.5 s, then \(cuts) cuts of 0.6 s: \(crashed ? "reached" : "not reached")")
        if !crashed { run.cluster.kill(follower) }
        try run.restart(follower)
        pause(2)
        let installed = installedSnapshots(run.cluster.logTail(follower, lines: 5000))
        run.notes.append("\(follower) installed snapshots at \(installed.map(String.init).joined(separator: ", "))")
        if installed.count < 2 {
            run.scenarioProblems.append("\(follower) installed \(installed.count) distinct snapshot(s); the scenario needs two in quick succession")
        }
        if !crashed {
            run.scenarioProblems.append("\(follower) never reached \(point) on its second snapshot install (the scenario did not exercise it); logs in \(run.cluster.directory)")
        }
        return run.finish()
    }

    /// The indexes of "installed snapshot at index N from the leader" lines, distinct, in log order.
    static func installedSnapshots(_ log: String) -> [UInt64] {
        var found: [UInt64] = []
        for line in log.split(separator: "\n") {
            let words = line.split(separator: " ")
            for i in words.indices.dropLast(4) where words[i] == "installed" && words[i + 1] == "snapshot" && words[i + 3] == "index" {
                if let index = UInt64(words[i + 4]), !found.contains(index) { found.append(index) }
            }
        }
        return found
    }
}
