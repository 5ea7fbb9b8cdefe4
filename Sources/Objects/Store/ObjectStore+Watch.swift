import KVClient

extension ObjectStore {
    /// Watches objects of one namespace (or all) straight from the store: one store watch per call
    /// (the API server should use a ``WatchCache`` instead). With `resourceVersion` "" or "0" it first
    /// lists and sends an ADDED per matching object, then every change after the list.
    /// - Parameter handler: called one event at a time, in revision order; the initial events on the
    ///   caller's task before this returns, the rest on the store client's delivery thread. After
    ///   `.closed` it is never called again.
    /// - Returns: the handle that stops the watch.
    /// - Throws: `.badRequest`, `.unavailable`; a start version below the compaction point is
    ///   reported as a `.closed(.gone)` event, as Kubernetes does.
    /// - Warning: `handler` must not block: it holds up the client's delivery thread.
    public func watch(namespace: String = "", options: WatchOptions = WatchOptions(),
                      filter: (@Sendable (T) -> Bool)? = nil,
                      handler: @escaping @Sendable (ObjectWatchEvent<T>) -> Void) async throws(StoreError) -> any WatchHandle {
        let startAfter: Int64
        let requested = options.resourceVersion
        if let n = try options.startAfter() {
            startAfter = n
        } else {
            let initial = try await list(namespace: namespace, filter: filter)
            for object in initial.items { handler(.added(object)) }
            startAfter = Int64(initial.resourceVersion) ?? 0
        }
        let prefix = RegistryKey.prefix(kind, namespace: namespace)
        let query = WatchQuery(KeyRange.prefix(prefix), startRevision: startAfter + 1, prevKV: true,
                               progressNotify: options.allowBookmarks)
        let store = self
        do {
            return try client.watch(query) { update in
                switch update {
                case .events(let events):
                    for event in events {
                        if let translated = store.translate(event, filter: filter) { handler(translated) }
                    }
                case .progress(let revision):
                    if options.allowBookmarks { handler(.bookmark(resourceVersion: String(revision))) }
                case .canceled(let compactRevision, let reason):
                    if compactRevision > 0 {
                        handler(.closed(.gone(message: "too old resource version: \(requested) (\(compactRevision))")))
                    } else {
                        handler(.closed(.unavailable(message: reason)))
                    }
                }
            }
        } catch {
            throw StoreError.from(error, compactedMessage: "too old resource version: \(requested)")
        }
    }

    /// One store event as the watcher sees it; nil when it does not concern the watcher (or a stored
    /// value does not decode: such keys are not objects of this kind and are skipped).
    func translate(_ event: KVEvent, filter: ((T) -> Bool)?) -> ObjectWatchEvent<T>? {
        let version = String(event.pair.modRevision)
        let previous = event.previous.flatMap { try? decode($0) }
        switch event.kind {
        case .put:
            guard let current = try? decode(event.pair) else { return nil }
            let created = event.pair.createRevision == event.pair.modRevision
            return ObjectWatchEvent.transition(previous: created ? nil : (previous ?? current), current: current,
                                               resourceVersion: version, filter: filter)
        case .delete:
            return ObjectWatchEvent.transition(previous: previous, current: nil, resourceVersion: version, filter: filter)
        }
    }
}
