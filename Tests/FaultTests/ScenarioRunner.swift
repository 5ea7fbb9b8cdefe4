import TestSupport
/// Runs one ``Scenario`` with one seed: the faults it injects while the traffic runs, then the checks.
enum ScenarioRunner {
    static func run(_ scenario: Scenario, seed: UInt64) throws -> RunOutcome {
        switch scenario {
        case .noFaults:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin(clients: 6, watchers: 3)
            pause(4)
            return run.finish()

        case .killLeader:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            for _ in 0..<20 {
                guard let leader = try? run.cluster.waitForLeader(seconds: 10) else { run.notes.append("no leader"); break }
                pause(Double.random(in: 0.1...0.5, using: &run.random))
                run.killNoting(leader)
                pause(Double.random(in: 0.1...0.6, using: &run.random))
                try run.restart(leader, checkMonotonic: true)
            }
            pause(1)
            return run.finish()

        case .killFollower:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            for _ in 0..<3 {
                let leader = try run.cluster.waitForLeader()
                let follower = run.cluster.names.filter { $0 != leader }.randomElement(using: &run.random)!
                pause(0.5)
                run.killNoting(follower)
                pause(Double.random(in: 0.5...1.5, using: &run.random))
                try run.restart(follower, checkMonotonic: true)
            }
            pause(1)
            return run.finish()

        case .killTwoThenAll:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            pause(1.5)
            let leader = try run.cluster.waitForLeader()
            let followers = run.cluster.names.filter { $0 != leader }
            for f in followers { run.cluster.kill(f) }  // no quorum: writes time out (unknown)
            pause(1)
            run.cluster.kill(leader)
            pause(0.3)
            try run.cluster.startAll()
            pause(2)
            return run.finish()

        case .crashPoints:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, snapshotEvery: 60)
            try run.begin()
            var reached: [String] = []
            for (i, point) in Scenario.crashPointNames.enumerated() {
                let leader = try run.cluster.waitForLeader()
                let onLeader = (i + Int(seed % 2)) % 2 == 0
                let target = onLeader ? leader : run.cluster.names.filter { $0 != leader }.randomElement(using: &run.random)!
                run.cluster.kill(target)
                // Snapshot points are reached once per snapshot, the others on every save or apply.
                let rare = point.contains("snapshot") || point == "before-release" || point == "during-compaction"
                let after = Int.random(in: 1...(rare ? 2 : 15), using: &run.random)
                try run.restart(target, environment: ["TERN_CRASH_AT": point, "TERN_CRASH_AFTER": "\(after)"])
                if run.cluster.waitForExit(target, seconds: 4) {
                    reached.append("\(point)@\(onLeader ? "leader" : "follower")")
                } else {
                    run.cluster.kill(target)
                }
                try run.restart(target)
            }
            run.notes.append("crash points reached: \(reached.joined(separator: ", "))")
            pause(1)
            return run.finish()

        case .loseUnsyncedOne:
            let lossy = ["TERN_TEST_FS": "lose-unsynced-tear"]
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, size: 1, environment: lossy)
            try run.begin(clients: 3, watchers: 1)
            for round in 0..<4 {
                pause(Double.random(in: 0.4...1.2, using: &run.random))
                if round % 2 == 0 {
                    run.cluster.kill("n1")
                } else {
                    // A crash point tears the newest unsynced write before exiting.
                    run.cluster.kill("n1")
                    var env = lossy
                    env["TERN_CRASH_AT"] = "before-wal-sync"
                    env["TERN_CRASH_AFTER"] = "\(Int.random(in: 5...40, using: &run.random))"
                    try run.restart("n1", environment: env)
                    if !run.cluster.waitForExit("n1", seconds: 4) { run.cluster.kill("n1") }
                }
                try run.restart("n1", environment: lossy)
            }
            pause(1)
            return run.finish(baseEnvironment: lossy)

        case .loseUnsyncedThree:
            let lossy = ["TERN_TEST_FS": "lose-unsynced-tear"]
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, environment: lossy)
            try run.begin()
            for _ in 0..<4 {
                let leader = try run.cluster.waitForLeader()
                pause(Double.random(in: 0.3...0.8, using: &run.random))
                run.cluster.kill(leader)
                pause(0.3)
                try run.restart(leader, environment: lossy)
            }
            pause(0.5)
            for name in run.cluster.names { run.cluster.kill(name) }  // all at once: only synced data survives
            pause(0.2)
            for name in run.cluster.names { try run.restart(name, environment: lossy) }
            pause(1.5)
            return run.finish(baseEnvironment: lossy)

        case .blackholeLeader:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            pause(1)
            let leader = try run.cluster.waitForLeader()
            run.cluster.isolate(leader)
            // Check-quorum: it must step down; clients keep asking it for (linearizable) reads meanwhile.
            let deadline = monotonicSeconds() + 10 * run.cluster.electionTimeoutSeconds + 3
            var steppedDown = false
            while monotonicSeconds() < deadline {
                if let s = run.cluster.status(leader), s.leader != leader { steppedDown = true; break }
                pause(0.1)
            }
            pause(1)
            run.cluster.heal()
            var outcome = run.finish()
            if !steppedDown { outcome.problems.append("the isolated leader \(leader) still called itself leader after \(format1(10 * run.cluster.electionTimeoutSeconds + 3)) s") }
            return outcome

        case .pauseLeader:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            for _ in 0..<2 {
                pause(1)
                let leader = try run.cluster.waitForLeader()
                run.cluster.pause(leader)
                pause(4 * run.cluster.electionTimeoutSeconds + Double.random(in: 0.2...1, using: &run.random))
                run.cluster.resume(leader)
            }
            pause(1.5)
            return run.finish()

        case .isolateFollowerSnapshot, .crashDuringSnapshotInstall:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, snapshotEvery: 50)
            try run.begin(clients: 5, watchers: 3)
            pause(0.5)
            // Stay isolated until the others are 3 snapshots ahead (at least 4 s, at most 20 s: a busy machine
            // writes slowly), so the leader can only catch the follower up with a snapshot.
            let (_, follower) = try run.isolateFollower(untilAhead: 150, atLeastSeconds: 4, atMostSeconds: 20, pollSeconds: 0.25)
            if scenario == .crashDuringSnapshotInstall {
                run.cluster.kill(follower)
                let point = run.random.chance(50) ? "before-snapshot-install" : "after-snapshot-install"
                try run.restart(follower, environment: ["TERN_CRASH_AT": point])
                pause(0.3)
                run.cluster.heal()
                let crashed = run.cluster.waitForExit(follower, seconds: 6)
                run.notes.append("\(point) on \(follower): \(crashed ? "reached" : "not reached")")
                if !crashed { run.cluster.kill(follower) }
                try run.restart(follower)
            } else {
                run.cluster.heal()
            }
            pause(2)
            let installed = run.cluster.logTail(follower, lines: 400).contains("installed snapshot")
            var outcome = run.finish()
            if !installed { outcome.problems.append("\(follower) never installed a snapshot from the leader (the scenario did not exercise it)") }
            outcome.problems += run.notes.filter { $0.contains("not reached") }
            return outcome

        case .frameFaults:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            for _ in 0..<4 {
                for key in run.cluster.proxies.keys.sorted() {
                    let proxy = run.cluster.proxies[key]!
                    let fault: LinkFault
                    switch Int.random(in: 0..<5, using: &run.random) {
                    case 0: fault = .delay(milliseconds: Int.random(in: 5...60, using: &run.random))
                    case 1: fault = .drop(percent: Int.random(in: 5...30, using: &run.random))
                    case 2: fault = .duplicate(percent: Int.random(in: 5...30, using: &run.random), proposals: true)
                    case 3: fault = .reorder(percent: Int.random(in: 10...40, using: &run.random))
                    default: fault = .pass
                    }
                    run.cluster.link(proxy.from, proxy.to, fault)
                    if run.random.chance(20) { proxy.reset() }
                }
                pause(1.5)
            }
            return run.finish()

        case .walBitFlip, .walBitFlipRejoin:
            return try walBitFlip(scenario, seed: seed)

        case .twoQuickSnapshots:
            return try twoQuickSnapshots(seed: seed)

        case .restoreFromSnapshot:
            return try restoreFromSnapshot(seed: seed)

        case .slowWatchers:
            // Slow consumers and progress-request storms while compaction goes on: late is fine, wrong never (C3).
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin(clients: 6, watchers: 4, slowWatchers: true)
            pause(6)
            return run.finish()

        case .learnerPromote:
            // Add a fourth member as a learner under traffic, let it catch up, promote it, then kill the leader.
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, spares: 1, snapshotEvery: 60)
            try run.begin()
            pause(1.5)
            let learner = "n4"
            let add = #"{"name":"\#(learner)","isLearner":true,"peerURLs":["http://127.0.0.1:\#(run.cluster.peerPort(learner))"],"clientURLs":["http://127.0.0.1:\#(run.cluster.clientPort(learner))"]}"#
            let (added, addBody) = try run.cluster.post(try run.cluster.waitForLeader(), "/v3/cluster/member/add", add, timeoutSeconds: 5)
            guard added == 200 else {
                var outcome = run.finish()
                outcome.problems.append("member add (learner) answered \(added) \(addBody)")
                return outcome
            }
            run.cluster.adoptID(of: learner, fromAddAnswer: addBody)
            try run.cluster.start(learner)
            run.excluded.remove(learner)
            // Promote once it has caught up (the leader refuses while it lags); retry for up to 15 s.
            let deadline = monotonicSeconds() + 15
            var promoted = false
            var last = ""
            while monotonicSeconds() < deadline && !promoted {
                pause(0.5)
                guard let leader = try? run.cluster.waitForLeader(seconds: 5) else { continue }
                if let (status, body) = try? run.cluster.post(leader, "/v3/cluster/member/promote", #"{"ID":"\#(run.cluster.ids[learner]!)"}"#, timeoutSeconds: 3) {
                    promoted = status == 200
                    last = "\(status) \(body)"
                }
            }
            if !promoted { run.notes.append("refused: promote never succeeded: \(last)") }
            // Let snapshots that hold the new member in their membership happen, then restart founders (they
            // recover from such a snapshot) until the new member leads; then restart one more founder: it
            // must reach the leader it knows only from that snapshot.
            let from = run.cluster.status(try run.cluster.waitForLeader())?.revision ?? 0
            let until = monotonicSeconds() + 15
            while monotonicSeconds() < until, (run.cluster.status(try run.cluster.waitForLeader())?.revision ?? 0) < from + 150 { pause(0.25) }
            var newLeader = false
            for _ in 0..<8 {
                let leader = try run.cluster.waitForLeader()
                if leader == learner { newLeader = true; break }
                run.cluster.kill(leader)  // 3 of 4 voters remain: a quorum
                pause(0.5)
                try run.restart(leader)
                pause(1)
            }
            if newLeader {
                let founder = run.cluster.names.filter { $0 != learner }.randomElement(using: &run.random)!
                run.cluster.kill(founder)
                pause(0.3)
                try run.restart(founder)
                run.notes.append("\(learner) led; \(founder) restarted under it")
            }
            pause(2)
            var outcome = run.finish()
            outcome.problems += run.notes.filter { $0.hasPrefix("refused") }
            return outcome

        case .fiveMembers:
            // Five members: two can die and the rest still has a quorum; then the leader too.
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, size: 5)
            try run.begin(clients: 5, watchers: 2)
            for _ in 0..<2 {
                pause(1)
                let leader = try run.cluster.waitForLeader()
                var others = run.cluster.names.filter { $0 != leader }
                others.shuffle(using: &run.random)
                run.cluster.kill(others[0])
                run.cluster.kill(others[1])
                pause(1)
                run.cluster.kill(leader)  // three of five down: no quorum until one returns
                pause(0.5)
                try run.restart(leader)
                pause(1)
                try run.restart(others[0])
                try run.restart(others[1])
            }
            pause(1.5)
            return run.finish()

        case .removeWipeReadd:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed, snapshotEvery: 100_000)
            try run.begin()
            pause(2)
            let leader = try run.cluster.waitForLeader()
            let follower = run.cluster.names.filter { $0 != leader }.randomElement(using: &run.random)!
            let id = run.cluster.ids[follower]!
            let (removed, removeBody) = try run.cluster.post(leader, "/v3/cluster/member/remove", #"{"ID":"\#(id)"}"#, timeoutSeconds: 5)
            if removed != 200 { run.notes.append("refused: member remove answered \(removed) \(removeBody)") }
            pause(0.5)
            run.cluster.kill(follower)
            removeTree(run.cluster.dataDirectory(follower))
            let add = #"{"name":"\#(follower)","peerURLs":["http://127.0.0.1:\#(run.cluster.peerPort(follower))"],"clientURLs":["http://127.0.0.1:\#(run.cluster.clientPort(follower))"]}"#
            let (added, addBody) = try run.cluster.post(try run.cluster.waitForLeader(), "/v3/cluster/member/add", add, timeoutSeconds: 5)
            if added != 200 { run.notes.append("refused: member add answered \(added) \(addBody)") }
            run.cluster.adoptID(of: follower, fromAddAnswer: addBody)
            try run.cluster.start(follower, extra: ["--join"])
            pause(3)
            let stoppedItself = run.cluster.waitForExit(follower, seconds: 0.1)
            if stoppedItself { run.notes.append("refused: the re-added \(follower) stopped itself: \(run.cluster.logTail(follower, lines: 3))") }
            var outcome = run.finish()
            outcome.problems += run.notes.filter { $0.hasPrefix("refused") }
            return outcome

        case .duplicateProposals:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            run.cluster.everyLink(.duplicate(percent: 30, proposals: true))
            pause(4)
            return run.finish()

        case .oneWayAndBridge:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            pause(1)
            // One-way: the leader's messages to one follower are lost; that follower's pre-votes must not
            // depose the leader (the other follower still hears it).
            let leader = try run.cluster.waitForLeader()
            let term = run.cluster.status(leader)?.term ?? 0
            let follower = run.cluster.names.filter { $0 != leader }.randomElement(using: &run.random)!
            run.cluster.link(leader, follower, .blackhole)
            pause(3)
            run.cluster.heal()
            pause(1)
            let after = run.cluster.status(leader)
            if after?.leader != leader || after?.term != term {
                run.notes.append("deposed: leader \(leader) term \(term) became \(after?.leader ?? "none") term \(after?.term ?? 0) after a one-way partition")
            }
            // Bridge: the two ends cannot talk, the middle talks to both.
            let ends = run.cluster.names.filter { $0 != leader }
            run.cluster.link(ends[0], ends[1], .blackhole)
            run.cluster.link(ends[1], ends[0], .blackhole)
            pause(3)
            run.cluster.heal()
            pause(1)
            var outcome = run.finish()
            outcome.problems += run.notes.filter { $0.hasPrefix("deposed") }
            return outcome

        case .crashMidCompaction:
            let run = try FaultRun(scenario: scenario.rawValue, seed: seed)
            try run.begin()
            for _ in 0..<2 {
                pause(1)
                let target = run.cluster.names.randomElement(using: &run.random)!
                // Item 13: its revision and compact revision must never go back across either restart.
                run.killNoting(target)
                try run.restart(target, environment: ["TERN_CRASH_AT": "during-compaction", "TERN_CRASH_AFTER": "\(Int.random(in: 1...2, using: &run.random))"],
                                checkMonotonic: true)
                let crashed = run.waitForCrashNoting(target, seconds: 6)
                run.notes.append("during-compaction on \(target): \(crashed ? "reached" : "not reached")")
                if !crashed { run.killNoting(target) }
                try run.restart(target, checkMonotonic: true)
            }
            pause(1.5)
            return run.finish()
        }
    }
}
