#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// One accepted HTTP connection, owned by one event loop: reads and parses requests one at a time
/// (pipelined requests wait in the read buffer), hands each to the handler, writes the response.
/// - Warning: every method runs on `loop`'s thread.
final class HTTPServerConnection: EventHandler, @unchecked Sendable {
    // @unchecked Sendable: all mutable state is confined to `loop`'s thread; other threads only hold
    // references (responders) and reach it through `loop.execute`.
    let fd: Int32
    let loop: EventLoop
    // Strong: the context drops its reference to this connection when it closes, breaking the cycle.
    let context: HTTPServerLoopContext
    var configuration: HTTPServerConfiguration { context.configuration }

    var parser: HTTPRequestParser
    var readBuffer: [UInt8] = []
    var readStart = 0
    var output = OutputQueue()

    // The request in progress.
    var head: HTTPRequestHead?
    var aggregatedBody: [UInt8] = []
    var bodyStream: HTTPRequestBodyStream?
    var responder: HTTPResponder?
    var requestComplete = false
    var responseHeadWritten = false
    var responseChunked = false
    var responseCloses = false
    var responseRemaining: Int?      // bytes still owed under a handler-given content-length
    var responseDropsBody = false    // HEAD, 1xx, 204, 304

    var closeAfterFlush = false
    var readingPaused = false
    var interestOut = false
    var isClosed = false
    var applying = false
    var deferred: [(HTTPResponder, [HTTPResponder.Operation])] = []
    var inReadHandler = false

    // Timeouts: one lazily re-armed timer.
    enum DeadlineKind { case none, idle, header, body, linger }
    /// After an error response: stop sending, keep reading (and discarding) for a moment so the
    /// client sees the response instead of a reset caused by unread bytes.
    var lingerAfterFlush = false
    var lingering = false
    var lingerDiscarded = 0
    var deadline: UInt64 = 0
    var deadlineKind = DeadlineKind.none
    var timer: TimerID?
    var timerAt: UInt64 = 0

    init(fd: Int32, loop: EventLoop, context: HTTPServerLoopContext) {
        self.fd = fd
        self.loop = loop
        self.context = context
        let config = context.configuration
        parser = HTTPRequestParser(maxHeaderBytes: config.maxHeaderBytes, bodyLimitBytes: config.maxBodyBytes)
        readBuffer.reserveCapacity(4096)
    }

    /// True when no request is in progress and nothing unparsed is buffered.
    var isIdle: Bool { head == nil && readStart == readBuffer.count && parser.isIdle }

    func start() {
        setDeadline(.idle, after: configuration.idleTimeoutNanoseconds)
    }

    /// Graceful shutdown: close now if idle, else after the current response.
    func beginShutdown() {
        if isIdle && output.isEmpty {
            close()
        } else if head == nil {
            closeAfterFlush = true   // between requests: finish writing, then close
            pauseReading()
            flush()
        } else {
            responseCloses = true    // the current response carries `connection: close`
        }
    }

    // MARK: events

    func handleEvents(_ events: UInt32) {
        if isClosed { return }
        if events & UInt32(csystem_EPOLLERR) != 0
            || (readingPaused && events & UInt32(csystem_EPOLLHUP) != 0) {
            close()   // reset by the peer, or fully gone while we wait on the handler
            return
        }
        if lingering {
            discardWhileLingering()
            return
        }
        if events & UInt32(csystem_EPOLLIN | csystem_EPOLLHUP) != 0 && !readingPaused {
            readAvailable()
        }
        if isClosed { return }
        if events & UInt32(csystem_EPOLLOUT) != 0 || !output.isEmpty {
            flush()
        }
    }

    func readAvailable() {
        inReadHandler = true
        defer { inReadHandler = false }
        let scratch = context.readScratch
        for _ in 0..<4 {
            if readStart > 0 && readStart == readBuffer.count {
                readBuffer.removeAll(keepingCapacity: true)
                readStart = 0
            } else if readStart > 65536 && readStart * 2 > readBuffer.count {
                readBuffer.removeFirst(readStart)
                readStart = 0
            }
            switch Socket.read(fd, into: scratch.baseAddress!, count: scratch.count) {
            case .bytes(let n):
                readBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
                if head == nil && deadlineKind == .idle {
                    setDeadline(.header, after: configuration.headerTimeoutNanoseconds)
                } else if deadlineKind == .body {
                    // An ordinary body must keep arriving: each read pushes the deadline out.
                    setDeadline(.body, after: configuration.idleTimeoutNanoseconds)
                }
                processBuffered()
                if isClosed || readingPaused || lingering || closeAfterFlush || n < scratch.count { return }
            case .wouldBlock:
                return
            case .closed:
                peerClosed()
                return
            case .failed:
                close()
                return
            }
        }
    }

    func peerClosed() {
        // A request whose body is incomplete is aborted; a complete one still gets its response
        // written (half-close), after which the connection closes. A streaming exchange (watch,
        // keep-alive: the handler read the body as a stream) has no end of its own, so the client
        // closing its side ends it: otherwise an idle stream would outlive its client until a write failed.
        if head != nil && requestComplete && bodyStream == nil {
            responseCloses = true
            pauseReading()
            return
        }
        close()
    }

    /// Parses as much of the buffer as the current request allows.
    func processBuffered() {
        while !isClosed && !closeAfterFlush && !lingering {
            if head != nil && requestComplete { break }   // pipelined bytes wait for the response
            var step: (event: HTTPRequestParser.Event?, consumed: Int) = (nil, 0)
            var parseError: HTTPParseError?
            readBuffer.withUnsafeBytes { raw in
                do throws(HTTPParseError) {
                    step = try parser.next(UnsafeRawBufferPointer(rebasing: raw[readStart...]))
                } catch {
                    parseError = error
                }
            }
            if let parseError {
                fail(parseError)
                return
            }
            let start = readStart
            readStart += step.consumed
            guard let event = step.event else {
                if step.consumed == 0 { break }
                continue
            }
            switch event {
            case .head(let newHead):
                beginRequest(newHead)
            case .body(let range):
                let bytes = Array(readBuffer[(start + range.lowerBound)..<(start + range.upperBound)])
                if let bodyStream { bodyStream.deliver(.bytes(bytes)) } else { aggregatedBody.append(contentsOf: bytes) }
            case .end:
                requestComplete = true
                if deadlineKind == .body { cancelDeadline() }
                if let bodyStream {
                    bodyStream.deliver(.end)
                } else if let head, let responder {
                    let body = aggregatedBody
                    aggregatedBody = []
                    context.counters.requests.wrappingAdd(1, ordering: .relaxed)
                    context.handler(HTTPServerRequest(head: head, body: body, bodyStream: nil, responder: responder))
                }
            }
        }
        // Bound what a client can pile up behind an unanswered request.
        if head != nil && requestComplete && readBuffer.count - readStart > configuration.maxHeaderBytes + 65536 {
            pauseReading()
        }
    }

    func beginRequest(_ newHead: HTTPRequestHead) {
        cancelDeadline()
        head = newHead
        requestComplete = false
        responseHeadWritten = false
        responseChunked = false
        if !newHead.keepAlive || context.shuttingDown { responseCloses = true }
        let responder = HTTPResponder(loop: loop, connection: self,
                                      highWaterBytes: configuration.outputHighWaterBytes,
                                      lowWaterBytes: configuration.outputLowWaterBytes)
        self.responder = responder
        let streaming = configuration.streamsRequestBody(newHead)
        if streaming {
            parser.bodyLimitBytes = Int.max
        } else {
            parser.bodyLimitBytes = configuration.maxBodyBytes
            if case .contentLength(let n) = newHead.bodyFraming, n > configuration.maxBodyBytes {
                fail(.bodyTooLarge(limitBytes: configuration.maxBodyBytes))
                return
            }
        }
        if newHead.expectsContinue && newHead.bodyFraming != .none {
            output.append(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        if !streaming && newHead.bodyFraming != .none {
            setDeadline(.body, after: configuration.idleTimeoutNanoseconds)
        }
        if streaming {
            let stream = HTTPRequestBodyStream(loop: loop)
            bodyStream = stream
            context.counters.requests.wrappingAdd(1, ordering: .relaxed)
            context.handler(HTTPServerRequest(head: newHead, body: [], bodyStream: stream, responder: responder))
        }
    }

    /// Bad input: answer with the error status if no response started, then close.
    func fail(_ error: HTTPParseError) {
        context.counters.rejected.wrappingAdd(1, ordering: .relaxed)
        pauseReading()
        bodyStream?.deliver(.aborted)
        if responseHeadWritten {
            close()
            return
        }
        let old = responder
        responder = nil
        old?.connectionClosed()
        var bytes: [UInt8] = []
        let body = Array("\(error)\n".utf8)
        HTTPResponseEncoding.head(status: error.statusCode, headers: ["content-type": "text/plain"],
                                  contentLength: body.count, chunked: false, close: true, into: &bytes)
        bytes.append(contentsOf: body)
        output.append(bytes)
        head = HTTPRequestHead(method: "", target: "", versionMinor: 1, headers: HTTPHeaders(),
                               keepAlive: false, bodyFraming: .none, expectsContinue: false)
        closeAfterFlush = true
        lingerAfterFlush = true
        flush()
    }

    // MARK: responses

    func apply(_ operations: [HTTPResponder.Operation], from source: HTTPResponder) {
        if isClosed || source !== responder { return }
        if applying {
            deferred.append((source, operations))
            return
        }
        applying = true
        applyNow(operations)
        while !deferred.isEmpty {
            let (next, ops) = deferred.removeFirst()
            if next === responder && !isClosed { applyNow(ops) }
        }
        applying = false
        if !inReadHandler && !isClosed { flush() }
    }

    func applyNow(_ operations: [HTTPResponder.Operation]) {
        for operation in operations {
            if isClosed { return }
            switch operation {
            case .whole(let status, let headers, let body):
                guard !responseHeadWritten else { continue }
                responseHeadWritten = true
                var bytes: [UInt8] = []
                bytes.reserveCapacity(128 + body.count)
                let forbidden = HTTPResponseEncoding.forbidsBody(status)
                HTTPResponseEncoding.head(status: status, headers: headers, contentLength: forbidden ? nil : body.count,
                                          chunked: false, close: willClose, into: &bytes)
                if head?.method != "HEAD" && !forbidden { bytes.append(contentsOf: body) }
                output.append(bytes)
                finishResponse()
            case .head(let status, let headers):
                guard !responseHeadWritten else { continue }
                responseHeadWritten = true
                var bytes: [UInt8] = []
                var length: Int? = nil
                if let text = headers["content-length"], let n = Int(text), n >= 0 { length = n }
                let noBody = HTTPResponseEncoding.forbidsBody(status) || head?.method == "HEAD"
                responseDropsBody = noBody
                responseRemaining = noBody ? nil : length
                responseChunked = length == nil && !noBody && (head?.versionMinor ?? 1) == 1
                if length == nil && !noBody && !responseChunked { responseCloses = true }  // HTTP/1.0: close-delimited
                HTTPResponseEncoding.head(status: status, headers: headers, contentLength: noBody ? nil : length,
                                          chunked: responseChunked, close: willClose, into: &bytes)
                output.append(bytes)
            case .body(var bytes):
                guard responseHeadWritten, !responseDropsBody else { continue }
                if let remaining = responseRemaining {
                    // Never write past the declared content-length: that would corrupt the stream.
                    if bytes.count > remaining { bytes.removeLast(bytes.count - remaining) }
                    responseRemaining = remaining - bytes.count
                    output.append(bytes)
                } else if responseChunked {
                    output.append(HTTPResponseEncoding.chunkHeader(bytes.count))
                    output.append(bytes)
                    output.append(HTTPResponseEncoding.crlf)
                } else {
                    output.append(bytes)
                }
            case .end:
                if !responseHeadWritten {
                    responseHeadWritten = true
                    var bytes: [UInt8] = []
                    HTTPResponseEncoding.head(status: 200, headers: HTTPHeaders(), contentLength: 0,
                                              chunked: false, close: willClose, into: &bytes)
                    output.append(bytes)
                } else if responseChunked {
                    output.append(HTTPResponseEncoding.lastChunk)
                } else if let remaining = responseRemaining, remaining > 0 {
                    responseCloses = true   // shorter than declared: only closing can end it
                }
                finishResponse()
            }
        }
    }

    /// Whether the connection closes after this response.
    var willClose: Bool {
        responseCloses || context.shuttingDown || !requestComplete
    }

    func finishResponse() {
        let closes = willClose
        responder?.reportSocketBuffered(output.bufferedBytes)
        responder?.detach()
        responder = nil
        bodyStream?.deliver(.aborted)   // no-op when the body already ended
        bodyStream = nil
        head = nil
        aggregatedBody = []
        requestComplete = false
        responseHeadWritten = false
        responseRemaining = nil
        responseDropsBody = false
        if closes {
            closeAfterFlush = true
            pauseReading()
            return
        }
        parser = HTTPRequestParser(maxHeaderBytes: configuration.maxHeaderBytes, bodyLimitBytes: configuration.maxBodyBytes)
        if readStart < readBuffer.count {
            setDeadline(.header, after: configuration.headerTimeoutNanoseconds)
            if readingPaused { resumeReading() }
            if !inReadHandler {   // inside the read handler its parse loop simply continues
                loop.execute { [self] in
                    if isClosed { return }
                    inReadHandler = true
                    processBuffered()
                    inReadHandler = false
                    if !isClosed { flush() }
                }
            }
        } else {
            setDeadline(.idle, after: configuration.idleTimeoutNanoseconds)
            if readingPaused { resumeReading() }
        }
    }

    func closeAfterFlushIfDone() {
        if head == nil && output.isEmpty { close() }
    }

    // MARK: writing

    func flush() {
        if isClosed { return }
        if !output.isEmpty {
            switch output.flush(to: fd) {
            case .written:
                break
            case .closed:
                close()
                return
            }
        }
        responder?.reportSocketBuffered(output.bufferedBytes)
        if output.isEmpty {
            if closeAfterFlush {
                if lingerAfterFlush && !lingering { startLingering() } else if !lingering { close() }
                return
            }
            if interestOut { interestOut = false; updateInterest() }
        } else if !interestOut {
            interestOut = true
            updateInterest()
        }
    }

    func pauseReading() {
        if !readingPaused { readingPaused = true; updateInterest() }
    }

    func resumeReading() {
        if readingPaused { readingPaused = false; updateInterest() }
    }

    func updateInterest() {
        var events: UInt32 = 0
        if !readingPaused { events |= UInt32(csystem_EPOLLIN) }
        if interestOut { events |= UInt32(csystem_EPOLLOUT) }
        loop.modify(fd: fd, events: events)
    }

    // MARK: closing

    /// Closes the socket now (in-flight response cut); idempotent.
    func close() {
        if isClosed { return }
        isClosed = true
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        loop.deregister(fd: fd)
        Glibc.close(fd)
        output.removeAll()
        bodyStream?.deliver(.aborted)
        bodyStream = nil
        let old = responder
        responder = nil
        old?.connectionClosed()
        context.connectionClosed(self)
    }
}
