#if canImport(Glibc)
import Glibc
#endif

/// Timeouts (header, body, idle) and the lingering close after an error response.
/// One lazily re-armed timer per connection: activity only moves `deadline`; when the timer fires
/// early it re-arms at the current deadline.
extension HTTPServerConnection {
    func setDeadline(_ kind: DeadlineKind, after nanoseconds: UInt64) {
        deadlineKind = kind
        deadline = MonotonicClock.nowNanoseconds() &+ nanoseconds
        if timer == nil || deadline < timerAt { armTimer() }
    }

    func cancelDeadline() {
        deadlineKind = .none
    }

    func armTimer() {
        if let timer { loop.cancelTimer(timer) }
        timerAt = deadline
        // A strong capture (weak references make every retain slower); close() cancels the timer.
        timer = loop.scheduleTimer(deadlineNanoseconds: deadline) { [self] in timerFired() }
    }

    func timerFired() {
        timer = nil
        if isClosed || deadlineKind == .none { return }
        if MonotonicClock.nowNanoseconds() < deadline {
            armTimer()
            return
        }
        switch deadlineKind {
        case .idle:
            close()
        case .body where responseHeadWritten:
            close()
        case .header, .body:
            context.counters.timeouts.wrappingAdd(1, ordering: .relaxed)
            let old = responder
            responder = nil
            old?.connectionClosed()
            var bytes: [UInt8] = []
            HTTPResponseEncoding.head(status: 408, headers: HTTPHeaders(), contentLength: 0, chunked: false,
                                      close: true, into: &bytes)
            output.append(bytes)
            closeAfterFlush = true
            lingerAfterFlush = true
            pauseReading()
            flush()
        case .linger:
            close()
        case .none:
            break
        }
    }

    func startLingering() {
        lingering = true
        _ = shutdown(fd, Int32(SHUT_WR))
        readingPaused = false
        interestOut = false
        updateInterest()
        setDeadline(.linger, after: 1_000_000_000)
    }

    func discardWhileLingering() {
        let scratch = context.readScratch
        while true {
            switch Socket.read(fd, into: scratch.baseAddress!, count: scratch.count) {
            case .bytes(let n):
                lingerDiscarded += n
                if lingerDiscarded > (1 << 20) { return close() }
            case .wouldBlock:
                return
            case .closed, .failed:
                return close()
            }
        }
    }

}
