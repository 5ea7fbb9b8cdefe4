import KVClient

/// What a delete may require of the object, and how gracefully it goes (Kubernetes' DeleteOptions).
public struct DeleteOptions: Equatable, Sendable {
    /// Delete only if the object has this uid.
    public var preconditionUID: String?
    /// Delete only if the object has this resourceVersion.
    public var preconditionResourceVersion: String?
    /// Seconds the object lingers with a `deletionTimestamp` before it may be removed (0 or nil: now,
    /// unless it has finalizers).
    public var gracePeriodSeconds: Int64?

    /// Options; all empty means "delete now unless finalizers hold it".
    public init(preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, gracePeriodSeconds: Int64? = nil) {
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// What a delete did.
public enum DeleteOutcome<T: APIObject>: Equatable, Sendable {
    /// The key is gone; the object as it was last stored, `resourceVersion` of the deletion.
    case deleted(T)
    /// The object was marked (`deletionTimestamp` set) and lives until its finalizers are removed or
    /// its grace period is over; the object as now stored.
    case markedForDeletion(T)

    /// The object in either case.
    public var object: T {
        switch self {
        case .deleted(let object), .markedForDeletion(let object): return object
        }
    }
}

extension ObjectStore {
    /// Deletes an object: removes the key, or — when it has finalizers or a grace period is asked for —
    /// sets `deletionTimestamp` (now + grace) and `deletionGracePeriodSeconds` and keeps it. Deleting an
    /// object already marked does nothing more (it stays until its finalizers are gone), unless it has
    /// no finalizers and no grace period is asked for: then it is removed.
    /// - Throws: `.notFound`, `.conflict` when a precondition fails, `.badRequest`, `.unavailable`.
    public func delete(namespace: String = "", name: String, options: DeleteOptions = DeleteOptions()) async throws(StoreError) -> DeleteOutcome<T> {
        let objectKey = key(namespace: namespace, name: name)
        let resource = kind.qualifiedResource
        guard var stored = try await read(objectKey) else { throw .notFound(resource: resource, name: name) }
        for _ in 0..<max(1, maxUpdateAttempts) {
            let (current, pair) = stored
            if let uid = options.preconditionUID, uid != current.metadata.uid {
                throw .conflict(message: "Operation cannot be fulfilled on \(resource) \"\(name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.metadata.uid)")
            }
            if let rv = options.preconditionResourceVersion, rv != current.metadata.resourceVersion {
                throw .conflict(message: "Operation cannot be fulfilled on \(resource) \"\(name)\": Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(current.metadata.resourceVersion)")
            }
            let grace = max(0, options.gracePeriodSeconds ?? 0)
            let graceful = !current.metadata.finalizers.isEmpty || grace > 0
            let operation: TxnOperation
            var next = current
            if graceful {
                if current.metadata.deletionTimestamp != nil { return .markedForDeletion(current) }
                var deadline = environment.now()
                deadline.seconds += grace
                next.metadata.deletionTimestamp = deadline
                next.metadata.deletionGracePeriodSeconds = grace
                next.metadata.generation += 1
                next.metadata.resourceVersion = ""
                operation = .put(PutCommand(key: objectKey, value: next.encodeJSON()))
            } else {
                operation = .delete(DeleteCommand(KeyRange(key: objectKey)))
            }
            let result = try await write(TxnCommand(compares: [.modifiedAt(objectKey, pair.modRevision)], success: [operation],
                                                    failure: [.range(RangeQuery(KeyRange(key: objectKey)))]))
            if result.succeeded {
                next.metadata.resourceVersion = String(result.revision)
                return graceful ? .markedForDeletion(next) : .deleted(next)
            }
            guard case .some(.some(let latest)) = Self.rangedPair(result) else { throw .notFound(resource: resource, name: name) }
            stored = (try decode(latest), latest)
        }
        throw StoreError.modified(kind, name: name)
    }
}
