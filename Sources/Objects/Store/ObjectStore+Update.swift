import KVClient

extension ObjectStore {
    /// Replaces an object. With `metadata.resourceVersion` set the write happens only if the stored
    /// object still has that version (409 Conflict otherwise); empty means an unconditional
    /// read-modify-write. Keeps `uid`, `creationTimestamp` and the deletion fields; keeps the stored
    /// status for kinds with a status subresource; bumps `generation` only when the spec changed. An
    /// update that would store identical bytes writes nothing and returns the stored object. An
    /// update that empties the finalizers of an object being deleted deletes it.
    /// - Throws: `.notFound`, `.conflict`, `.invalid`, `.badRequest` (unparsable resourceVersion),
    ///   `.unavailable`.
    public func update(_ object: T) async throws(StoreError) -> T {
        let hasStatus = kind.hasStatus
        return try await readModifyWrite(namespace: object.metadata.namespace, name: object.metadata.name,
                                         precondition: try Self.revision(object.metadata.resourceVersion)) { current in
            var next = object
            if hasStatus { next.copyStatus(from: current) }
            return next
        }
    }

    /// Replaces only the status of an object (the status subresource); everything else is kept as
    /// stored. The resourceVersion precondition works as in ``update(_:)``.
    /// - Throws: as ``update(_:)``; `.notFound` for a kind without a status subresource.
    public func updateStatus(_ object: T) async throws(StoreError) -> T {
        guard kind.hasStatus else {
            throw .notFound(resource: "\(kind.qualifiedResource)/status", name: object.metadata.name)
        }
        return try await readModifyWrite(namespace: object.metadata.namespace, name: object.metadata.name,
                                         precondition: try Self.revision(object.metadata.resourceVersion)) { current in
            var next = current
            next.copyStatus(from: object)
            return next
        }
    }

    /// Reads the object, lets `mutate` change it, writes it back; on losing a race re-reads and calls
    /// `mutate` again (at most ``maxUpdateAttempts`` times). Everything `mutate` changes is kept
    /// (spec and status alike); the store-owned metadata is preserved as in ``update(_:)``.
    /// - Throws: `.notFound`, `.conflict` after too many lost races, whatever `mutate` throws.
    public func update(namespace: String = "", name: String,
                       _ mutate: (inout T) throws(StoreError) -> Void) async throws(StoreError) -> T {
        try await readModifyWrite(namespace: namespace, name: name, precondition: nil) { current throws(StoreError) in
            var next = current
            try mutate(&next)
            return next
        }
    }

    /// The shared read-modify-write loop. `transform` gets the stored object and returns the wanted
    /// one; store-owned metadata is then restored from the stored object.
    func readModifyWrite(namespace: String, name: String, precondition: Int64?,
                         _ transform: (T) throws(StoreError) -> T) async throws(StoreError) -> T {
        let objectKey = key(namespace: namespace, name: name)
        guard var stored = try await read(objectKey) else {
            throw .notFound(resource: kind.qualifiedResource, name: name)
        }
        for _ in 0..<max(1, maxUpdateAttempts) {
            let (current, pair) = stored
            if let precondition, precondition != pair.modRevision { throw StoreError.modified(kind, name: name) }
            var next = try transform(current)
            next.metadata.name = current.metadata.name
            next.metadata.namespace = current.metadata.namespace
            next.metadata.generateName = current.metadata.generateName
            next.metadata.uid = current.metadata.uid
            next.metadata.creationTimestamp = current.metadata.creationTimestamp
            next.metadata.deletionTimestamp = current.metadata.deletionTimestamp
            next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds
            next.metadata.generation = current.metadata.generation + (next.hasSameSpec(as: current) ? 0 : 1)
            next.metadata.resourceVersion = ""
            if let validate {
                let causes = validate(next, current)
                if !causes.isEmpty { throw .invalid(kind: kind.kind, name: name, causes: causes) }
            }
            let finished = next.metadata.deletionTimestamp != nil && next.metadata.finalizers.isEmpty
            let operation: TxnOperation
            if finished {
                operation = .delete(DeleteCommand(KeyRange(key: objectKey)))
            } else {
                let bytes = next.encodeJSON()
                if bytes == pair.value { return current }
                operation = .put(PutCommand(key: objectKey, value: bytes))
            }
            let result = try await write(TxnCommand(compares: [.modifiedAt(objectKey, pair.modRevision)], success: [operation],
                                                    failure: [.range(RangeQuery(KeyRange(key: objectKey)))]))
            if result.succeeded {
                next.metadata.resourceVersion = String(result.revision)
                return next
            }
            if precondition != nil { throw StoreError.modified(kind, name: name) }
            guard case .some(.some(let latest)) = Self.rangedPair(result) else {
                throw .notFound(resource: kind.qualifiedResource, name: name)
            }
            stored = (try decode(latest), latest)
        }
        throw StoreError.modified(kind, name: name)
    }

    /// A resourceVersion precondition: nil when empty.
    /// - Throws: `.badRequest` when it is not a decimal revision.
    static func revision(_ resourceVersion: String) throws(StoreError) -> Int64? {
        if resourceVersion.isEmpty { return nil }
        guard let value = Int64(resourceVersion), value >= 0 else {
            throw .badRequest(message: "invalid resource version: \"\(resourceVersion)\"")
        }
        return value
    }
}
