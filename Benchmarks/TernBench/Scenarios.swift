import Wire

/// The scenarios of `tern-bench`; each runs once and returns its report.
struct Scenarios {
    let options: BenchOptions

    private func now() -> UInt64 { MonotonicClock.nowNanoseconds() }

    /// CPU counters at the start of a measured phase.
    private struct CPUStart {
        let client = CPUClock.selfSeconds()
        let server: Double
        let at = MonotonicClock.nowNanoseconds()
        init(_ pids: [Int32]) { server = CPUClock.processSeconds(pids) }
    }

    private func header(_ report: inout RunReport) {
        report.add("scenario", options.scenario)
        if !options.label.isEmpty { report.add("label", options.label) }
        report.add("endpoints", options.endpoints.count)
    }

    /// Adds client and server CPU over the phase since `start`; flags a client over half a core.
    private func addCPU(_ report: inout RunReport, since start: CPUStart) {
        let wall = max(1e-9, Double(now() - start.at) / 1e9)
        let client = CPUClock.selfSeconds() - start.client
        report.add("client_cpu_s", client)
        report.add("client_cores", client / wall, decimals: 2)
        if !options.pids.isEmpty {
            report.add("server_cores", (CPUClock.processSeconds(options.pids) - start.server) / wall, decimals: 2)
        }
        report.add("client_bound", client / wall > 0.5 ? "YES" : "no")
    }

    private func addRequests(_ report: inout RunReport, _ r: RequestRunner, prefix: String = "") {
        let wall = Double(max(r.finishedAt, r.startedAt + 1) - r.startedAt) / 1e9
        report.add(prefix + "conns", r.connections.count)
        report.add(prefix + "ok", r.ok)
        report.add(prefix + "err", r.errors)
        report.add(prefix + "wall_s", wall)
        report.add(prefix + "rps", Double(r.ok) / wall, decimals: 1)
        report.addLatency(r.histogram, prefix: prefix)
        if options.rate > 0 { report.add(prefix + "unsent", r.unsent) }
    }

    /// Opens `runner`'s connections and waits (≤ 10 s) until they are up.
    private func connect(_ runner: RequestRunner, on loop: ClientLoop) {
        runner.open()
        loop.run(deadline: now() + 10_000_000_000) { runner.allConnected }
    }

    /// Runs `runner` to completion (hard bound: duration + 30 s).
    private func drive(_ runner: RequestRunner, on loop: ClientLoop, also: () -> Void = {}) {
        let hardStop = now() + UInt64((options.durationSeconds + 30) * 1e9)
        runner.start(now: now())
        loop.run(timeoutMicroseconds: { runner.waitMicroseconds(now: now()) },
                 until: { runner.isDone || now() > hardStop },
                 tick: { runner.tick(now: now()); also() })
    }

    /// put, range, txn, lease: unary requests, closed or open loop.
    func requests(_ kind: RequestKind) -> RunReport {
        let loop = ClientLoop()
        let runner = RequestRunner(kind: kind, options: options, connections: options.connections, loop: loop, prefix: options.prefix)
        connect(runner, on: loop)
        let cpu = CPUStart(options.pids)
        drive(runner, on: loop)
        var report = RunReport()
        header(&report)
        if case .range(let serializable) = kind { report.add("serializable", serializable ? "true" : "false") }
        if options.rate > 0 { report.add("target_rate", options.rate, decimals: 0) }
        addRequests(&report, runner)
        if case .txn = kind { report.add("cas_failed", runner.failures) }
        if case .lease = kind {
            for (name, h) in zip(["grant_", "keepalive_", "revoke_"], runner.leaseHistograms) {
                report.add(name + "p50_ms", h.summaryMilliseconds.p50)
                report.add(name + "p99_ms", h.summaryMilliseconds.p99)
            }
        }
        addCPU(&report, since: cpu)
        for c in runner.connections { c.close() }
        if !runner.firstError.isEmpty { report.add("first_error", runner.firstError) }
        return report
    }

    /// Opens the watchers and waits until all are created (bounded).
    private func openWatchers(_ streams: WatchStreams, on loop: ClientLoop) -> Double {
        let t0 = now()
        streams.open()
        loop.run(deadline: t0 + UInt64(30 + options.watchers / 200) * 1_000_000_000) { streams.allCreated }
        return Double(now() - t0) / 1e9
    }

    /// watch and watch-latency: W watchers on the prefix, writers putting under it.
    func watch(latencyFromResponse: Bool) -> RunReport {
        let loop = ClientLoop()
        let streams = WatchStreams(options: options, loop: loop, startRevision: 0)
        let setup = openWatchers(streams, on: loop)
        var report = RunReport()
        header(&report)
        report.add("watchers", options.watchers)
        report.add("watch_streams", options.watchConnections)
        report.add("created", streams.created)
        report.add("create_s", setup)
        let writer = RequestRunner(kind: .put, options: options, connections: options.connections, loop: loop, prefix: options.prefix)
        if latencyFromResponse {
            let maxPuts = options.requests > 0 ? options.requests : Int((options.rate > 0 ? options.rate : 20_000) * options.durationSeconds * 1.5) + 1000
            streams.acknowledgedAt = [UInt64](repeating: 0, count: maxPuts)
            writer.requestLimit = options.requests > 0 ? options.requests : maxPuts
            writer.onPutAcknowledged = { sequence, at in
                if sequence < maxPuts { streams.acknowledgedAt![sequence] = at }
            }
        }
        if streams.allCreated && streams.failedStreams == 0 {
            connect(writer, on: loop)
            let cpu = CPUStart(options.pids)
            drive(writer, on: loop)
            let expected = writer.ok * options.watchers
            let drainEnd = now() + UInt64(options.drainSeconds * 1e9)
            loop.run(deadline: drainEnd) { streams.events >= expected || streams.failedStreams > 0 }
            addCPU(&report, since: cpu)
            let span = Double(max(streams.lastEventAt, streams.firstEventAt + 1) - streams.firstEventAt) / 1e9
            if options.rate > 0 { report.add("target_rate", options.rate, decimals: 0) }
            report.add("events", streams.events)
            report.add("messages", streams.messages)
            report.add("expected", expected)
            report.add("missing", expected - streams.events)
            report.add("events_per_s", Double(streams.events) / span, decimals: 0)
            report.add("event_span_s", span)
            report.add("lag_after_writers_s", Double(max(streams.lastEventAt, writer.finishedAt) - writer.finishedAt) / 1e9)
            report.addLatency(streams.histogram, prefix: latencyFromResponse ? "ack_to_event_" : "put_to_event_")
            if latencyFromResponse { report.add("events_before_ack", streams.beforeAcknowledgement) }
            report.add("undecodable", streams.undecodable)
            addRequests(&report, writer, prefix: "put_")
            if !writer.firstError.isEmpty { report.add("first_error", writer.firstError) }
        } else {
            report.add("client_bound", "no")
        }
        if !streams.firstError.isEmpty && (streams.failedStreams > 0 || streams.canceled > 0 || !streams.allCreated) {
            report.add("watch_error", streams.firstError)
        }
        streams.close()
        for c in writer.connections { c.close() }
        return report
    }

    /// watch-catchup: K keys are written, then W watchers start at the revision before them and
    /// catch up while serializable ranges are measured.
    func watchCatchup() -> RunReport {
        var report = RunReport()
        header(&report)
        report.add("watchers", options.watchers)
        report.add("catchup_keys", options.catchupKeys)
        guard let startRevision = OneShotRequest.currentRevision(options.endpoints[0]) else {
            report.add("first_error", "cannot read the current revision")
            return report
        }
        let loop = ClientLoop()
        var loadOptions = options
        loadOptions.rate = 0
        loadOptions.keySpace = options.catchupKeys
        loadOptions.durationSeconds = 120
        let loader = RequestRunner(kind: .put, options: loadOptions, connections: max(16, options.connections), loop: loop, prefix: options.prefix)
        loader.requestLimit = options.catchupKeys
        connect(loader, on: loop)
        drive(loader, on: loop)
        for c in loader.connections { c.close() }
        report.add("load_rps", Double(loader.ok) / (Double(max(loader.finishedAt, loader.startedAt + 1) - loader.startedAt) / 1e9), decimals: 1)

        var readOptions = options
        readOptions.keySpace = options.catchupKeys
        let reader = RequestRunner(kind: .range(serializable: true), options: readOptions, connections: options.connections, loop: loop, prefix: options.prefix)
        connect(reader, on: loop)
        let streams = WatchStreams(options: options, loop: loop, startRevision: startRevision + 1)
        let expected = loader.ok * options.watchers
        let cpu = CPUStart(options.pids)
        let t0 = now()
        streams.open()
        var caughtUpAt: UInt64 = 0
        drive(reader, on: loop) {
            if caughtUpAt == 0 && streams.events >= expected { caughtUpAt = now() }
        }
        loop.run(deadline: now() + UInt64(options.drainSeconds * 1e9)) { streams.events >= expected || streams.failedStreams > 0 }
        if caughtUpAt == 0 && streams.events >= expected { caughtUpAt = now() }
        addRequests(&report, reader, prefix: "get_")
        report.add("created", streams.created)
        report.add("events", streams.events)
        report.add("expected", expected)
        report.add("catchup_s", caughtUpAt > 0 ? Double(caughtUpAt - t0) / 1e9 : -1)
        let span = Double(max(streams.lastEventAt, streams.firstEventAt + 1) - streams.firstEventAt) / 1e9
        report.add("events_per_s", Double(streams.events) / span, decimals: 0)
        addCPU(&report, since: cpu)
        let errors = [loader.firstError, reader.firstError, streams.failedStreams > 0 || streams.canceled > 0 ? streams.firstError : ""].filter { !$0.isEmpty }
        if !errors.isEmpty { report.add("first_error", errors.joined(separator: "; ")) }
        streams.close()
        for c in reader.connections { c.close() }
        return report
    }
}
