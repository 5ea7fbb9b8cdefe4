/// One step of a streaming request body.
public enum HTTPBodyEvent: Sendable, Equatable {
    /// The next bytes of the body (chunk framing removed).
    case bytes([UInt8])
    /// The body ended normally.
    case end
    /// The connection closed or the body was malformed before the end.
    case aborted
}

/// The body of a streaming request (watch, lease keep-alive), delivered incrementally as it arrives.
/// Events that arrive before a consumer is set are kept and delivered first, in order.
/// - Warning: the consumer runs on the connection's event-loop thread and must not block it.
public final class HTTPRequestBodyStream: @unchecked Sendable {
    // @unchecked Sendable: `buffered`, `consumer` and `finished` are touched only on `loop`'s thread;
    // `setConsumer` hops there with `execute` when called from elsewhere.
    private let loop: EventLoop
    private var buffered: [HTTPBodyEvent] = []
    private var consumer: (@Sendable (HTTPBodyEvent) -> Void)?
    private var finished = false

    init(loop: EventLoop) {
        self.loop = loop
    }

    /// Sets the function that receives body events; callable from any thread, once.
    public func setConsumer(_ consumer: @escaping @Sendable (HTTPBodyEvent) -> Void) {
        if loop.inEventLoop {
            install(consumer)
        } else {
            loop.execute { [self] in install(consumer) }
        }
    }

    private func install(_ newConsumer: @escaping @Sendable (HTTPBodyEvent) -> Void) {
        consumer = newConsumer
        let pending = buffered
        buffered.removeAll()
        for event in pending { newConsumer(event) }
    }

    /// Delivers an event (loop thread); after `.end` or `.aborted` nothing more is delivered.
    func deliver(_ event: HTTPBodyEvent) {
        if finished { return }
        switch event {
        case .end, .aborted: finished = true
        case .bytes: break
        }
        if let consumer {
            consumer(event)
        } else {
            buffered.append(event)
        }
    }
}
