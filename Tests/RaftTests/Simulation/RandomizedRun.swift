import Raft

/// One randomized simulation run: a fault phase with every knob drawn from the seed, then a healed
/// phase that must reach a leader and commit new proposals everywhere (liveness).
struct RandomizedRun {
    let seed: UInt64
    var faultTicks = 250
    var healTicks = 300
    /// Run every node's storage through the real WAL on a simulated disk (crashes lose unsynced
    /// writes; some saves are cut off part-way).
    var throughWAL = false
    /// Let the seed choose the pipelined WAL (asynchronous persists, see SimulatedCluster+Pipeline);
    /// false replays a run exactly as it was before that mode existed.
    var pipelining = true

    struct Outcome {
        var violations: [String]
        var report: String
        var committed: UInt64
        var pipeline = PipelineStats()
    }

    func run() -> Outcome {
        var knobs = SeededRandom(seed: seed ^ 0xA5A5_5A5A_1234_5678)
        func pick<T>(_ options: [T]) -> T { options[Int(knobs.next() % UInt64(options.count))] }

        let voterCount: UInt64 = pick([3, 3, 5])
        let voters = Array(1...voterCount)
        let withMembership = pick([false, false, true])
        let spare: [NodeID] = withMembership ? [voterCount + 1] : []
        var config = RaftConfig(id: 1, electionTicks: 10, heartbeatTicks: 1)
        config.preVote = pick([true, true, false])
        config.checkQuorum = pick([true, true, false])
        config.maxMessageBytes = pick([64, 1 << 20])
        config.maxInflightMessages = pick([1, 4, 256])
        let walSeed = seed
        let cluster = SimulatedCluster(seed: seed, voters: voters, config: config, spare: spare,
                                       makeStorage: throughWAL
                                           ? { id in WALStorage(seed: walSeed &* 31 &+ id, tornSaveRate: 0.01) }
                                           : { _ in MemoryStorage() })
        cluster.network.dropRate = pick([0, 0.01, 0.05, 0.2])
        cluster.network.duplicateRate = pick([0, 0.02])
        cluster.network.maxDelayRounds = pick([0, 1, 4])
        cluster.snapshotEvery = pick([nil, 5, 25])
        cluster.crashBeforePersistRate = pick([0, 0.002])
        let crashRate: Double = pick([0, 0.002, 0.01])
        let partitionRate: Double = pick([0, 0.01, 0.03])
        // Drawn last, so the knobs above are the same for a seed with or without pipelining.
        let pipelineRate: Double = pick([0, 0.3, 1])
        let persistDelay: Int = pick([1, 3, 8])
        if pipelining {
            cluster.pipelineRate = pipelineRate
            cluster.maxPersistDelayRounds = persistDelay
        }
        let all = cluster.ids

        var proposals = 0
        var reads = 0
        var partitionLeft = 0
        for _ in 0..<faultTicks {
            // Clients.
            if chance(0.5, &cluster.random), let target = randomElement(cluster.liveIDs, &cluster.random) {
                proposals += 1
                cluster.propose(Array("p\(proposals)".utf8), at: target)
            }
            if chance(0.05, &cluster.random), let target = randomElement(cluster.liveIDs, &cluster.random) {
                reads += 1
                cluster.read(context: Array("r\(reads)".utf8), at: target)
            }
            // Process faults.
            for id in all where chance(crashRate, &cluster.random) {
                if cluster.isUp(id) { cluster.crash(id) } else { cluster.restart(id) }
            }
            for id in all where !cluster.isUp(id) && chance(0.05, &cluster.random) { cluster.restart(id) }
            // Network faults.
            if partitionLeft > 0 {
                partitionLeft -= 1
                if partitionLeft == 0 { cluster.network.heal(); cluster.log("heal") }
            } else if chance(partitionRate, &cluster.random) {
                makePartition(cluster, all: all)
                partitionLeft = 5 + Int(cluster.random.next() % 60)
            }
            // Leadership transfer and membership changes.
            if chance(0.01, &cluster.random), let l = cluster.leader, let t = randomElement(all, &cluster.random) {
                cluster.with(l) { $0.transferLeadership(to: t) }
                cluster.log("transfer \(l) -> \(t)")
            }
            if withMembership, chance(0.02, &cluster.random), let l = cluster.leader {
                proposeRandomChange(cluster, leader: l, all: all)
            }
            cluster.tick()
            if !cluster.checker.violations.isEmpty { break }
        }

        // Heal: everyone up, no partitions, a perfect network.
        cluster.network.heal()
        cluster.network.dropRate = 0
        cluster.network.duplicateRate = 0
        cluster.crashBeforePersistRate = 0
        for id in all { cluster.restart(id) }
        var live = false
        var ticks = 0
        var marker = 0
        while ticks < healTicks && cluster.checker.violations.isEmpty {
            // Storage faults (torn saves) may still crash a node: restart it, as a supervisor would.
            for id in all where !cluster.isUp(id) { cluster.restart(id) }
            cluster.tick()
            ticks += 1
            if ticks % 10 == 0, let l = cluster.leader {
                marker += 1
                cluster.propose(Array("heal\(marker)".utf8), at: l)
            }
            if marker > 0, let l = cluster.leader, let leaderNode = cluster.node(l) {
                let target = Array("heal\(marker)".utf8)
                let voters = leaderNode.conf.voters
                let everywhere = voters.allSatisfy { cluster.machine($0)?.commands.contains(target) == true }
                if everywhere {
                    live = true
                    break
                }
            }
        }
        if !live && cluster.checker.violations.isEmpty {
            cluster.checker.fail("liveness: no commit on every voter within \(healTicks) ticks after healing")
        }
        cluster.checkReads()
        cluster.checkLogs()
        return Outcome(violations: cluster.checker.violations, report: cluster.failureReport(),
                       committed: cluster.checker.highestApplied, pipeline: cluster.pipelineStats)
    }

    private func makePartition(_ cluster: SimulatedCluster, all: [NodeID]) {
        let shape = cluster.random.next() % 4
        switch shape {
        case 0:  // isolate the leader (or a random node) both ways
            let victim = cluster.leader ?? all[Int(cluster.random.next() % UInt64(all.count))]
            cluster.network.isolate([victim], from: all)
            cluster.log("isolate \(victim)")
        case 1:  // one-way: a node cannot send
            let victim = all[Int(cluster.random.next() % UInt64(all.count))]
            for other in all where other != victim { cluster.network.block(Link(from: victim, to: other)) }
            cluster.log("mute \(victim)")
        case 2:  // split into minority / majority
            var shuffled = all
            shuffled.shuffle(using: &cluster.random)
            let minority = Array(shuffled.prefix(all.count / 2))
            cluster.network.isolate(minority, from: all)
            cluster.log("split \(minority)")
        default:  // bridge: two halves that only the bridge node connects
            guard all.count >= 3 else { return }
            var shuffled = all
            shuffled.shuffle(using: &cluster.random)
            let bridge = shuffled[0]
            let left = Array(shuffled[1...].prefix((all.count - 1) / 2))
            let right = shuffled.filter { $0 != bridge && !left.contains($0) }
            for a in left { for b in right {
                cluster.network.block(Link(from: a, to: b))
                cluster.network.block(Link(from: b, to: a))
            } }
            cluster.log("bridge \(bridge) between \(left) and \(right)")
        }
    }

    private func proposeRandomChange(_ cluster: SimulatedCluster, leader: NodeID, all: [NodeID]) {
        guard let node = cluster.node(leader), let target = randomElement(all, &cluster.random) else { return }
        let conf = node.conf
        let change: ConfChange
        if conf.learners.contains(target) {
            change = ConfChange(kind: .addVoter, nodeID: target)
        } else if conf.voters.contains(target) {
            guard conf.voters.count > 2 else { return }
            change = ConfChange(kind: .removeNode, nodeID: target)
        } else {
            change = ConfChange(kind: .addLearner, nodeID: target)
        }
        cluster.with(leader) { n in
            do {
                try n.proposeConfChange(change)
                cluster.log("conf \(change.kind) \(target) proposed at \(leader)")
            } catch {}
        }
    }
}

func randomElement<T>(_ items: [T], _ random: inout SeededRandom) -> T? {
    items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))]
}
