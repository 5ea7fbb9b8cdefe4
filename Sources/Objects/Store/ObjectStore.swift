import KVClient

/// The typed object store: Kubernetes-shaped objects of one kind kept as JSON under
/// ``RegistryKey`` keys, through the store's client interface only. `resourceVersion` is the key's
/// mod revision as a decimal string; the stored bytes carry an empty `resourceVersion` (it is set on
/// every read from the pair's mod revision), so a no-op update is recognised by comparing bytes.
///
/// Requires `T.encodeJSON()` to be deterministic (the same object always gives the same bytes).
///
/// - Warning: A value type safe to share across threads and tasks; every method is a few store
///   round trips and never blocks a thread.
public struct ObjectStore<T: APIObject>: Sendable {
    /// The store client (in-process replica or HTTP).
    public let client: any KVClient
    /// Clock and randomness for timestamps, uids and generated names.
    public let environment: StoreEnvironment
    /// Checks an object before it is written (`old` is nil on create); non-empty means 422 Invalid.
    public var validate: (@Sendable (_ new: T, _ old: T?) -> [FieldError])?
    /// How many names `generateName` tries before giving up with AlreadyExists.
    public var maxGenerateNameAttempts = 8
    /// How many times an unconditional update re-reads after losing a race before 409 Conflict.
    public var maxUpdateAttempts = 32

    /// A store of `T` over `client`.
    public init(client: any KVClient, environment: StoreEnvironment = .system,
                validate: (@Sendable (_ new: T, _ old: T?) -> [FieldError])? = nil) {
        self.client = client
        self.environment = environment
        self.validate = validate
    }

    /// The kind this store keeps.
    public var kind: ResourceKind { T.resourceKind }

    /// The key of one object.
    public func key(namespace: String, name: String) -> [UInt8] {
        RegistryKey.key(kind, namespace: namespace, name: name)
    }

    /// Reads one object (a linearizable read).
    /// - Throws: `.notFound`, `.unavailable`, `.internalError` for stored bytes that do not decode.
    public func get(namespace: String = "", name: String) async throws(StoreError) -> T {
        guard let (object, _) = try await read(key(namespace: namespace, name: name)) else {
            throw .notFound(resource: kind.qualifiedResource, name: name)
        }
        return object
    }

    /// Creates an object: sets `uid`, `creationTimestamp`, `generation` 1 and `resourceVersion`
    /// (any client-set value is ignored); with an empty name and a `generateName`, picks
    /// `generateName` + 5 random `[a-z0-9]` characters, trying another on collision.
    /// - Returns: the object as stored, with its `resourceVersion`.
    /// - Throws: `.alreadyExists`, `.invalid` (missing name or namespace, or `validate`),
    ///   `.unavailable` (the outcome is unknown).
    public func create(_ object: T) async throws(StoreError) -> T {
        var next = object
        let generated = next.metadata.name.isEmpty && !next.metadata.generateName.isEmpty
        if !kind.namespaced { next.metadata.namespace = "" }
        next.metadata.uid = environment.makeUID()
        next.metadata.creationTimestamp = environment.now()
        next.metadata.deletionTimestamp = nil
        next.metadata.deletionGracePeriodSeconds = nil
        next.metadata.generation = 1
        next.metadata.resourceVersion = ""
        let attempts = generated ? max(1, maxGenerateNameAttempts) : 1
        for _ in 0..<attempts {
            if generated { next.metadata.name = next.metadata.generateName + environment.makeNameSuffix() }
            try checkMetadata(next)
            if let validate {
                let causes = validate(next, nil)
                if !causes.isEmpty { throw .invalid(kind: kind.kind, name: next.metadata.name, causes: causes) }
            }
            let objectKey = key(namespace: next.metadata.namespace, name: next.metadata.name)
            let txn = TxnCommand(compares: [.absent(objectKey)],
                                 success: [.put(PutCommand(key: objectKey, value: next.encodeJSON()))])
            let result = try await write(txn)
            if result.succeeded {
                next.metadata.resourceVersion = String(result.revision)
                return next
            }
        }
        throw .alreadyExists(resource: kind.qualifiedResource, name: next.metadata.name)
    }

    /// Names and namespaces become key segments: they must be present and must not contain `/`.
    func checkMetadata(_ object: T) throws(StoreError) {
        var causes: [FieldError] = []
        let meta = object.metadata
        if meta.name.isEmpty {
            causes.append(FieldError(.required, FieldPath("metadata").child("name"), "name or generateName is required"))
        } else if let reason = Self.pathSegmentProblem(meta.name) {
            causes.append(FieldError(.invalid(value: meta.name), FieldPath("metadata").child("name"), reason))
        }
        if kind.namespaced {
            if meta.namespace.isEmpty {
                causes.append(FieldError(.required, FieldPath("metadata").child("namespace")))
            } else if let reason = Self.pathSegmentProblem(meta.namespace) {
                causes.append(FieldError(.invalid(value: meta.namespace), FieldPath("metadata").child("namespace"), reason))
            }
        }
        if !causes.isEmpty { throw .invalid(kind: kind.kind, name: meta.name, causes: causes) }
    }

    /// Why a name cannot be a key segment (Kubernetes' path segment rule), or nil.
    static func pathSegmentProblem(_ name: String) -> String? {
        if name == "." || name == ".." { return "may not be '\(name)'" }
        if name.utf8.contains(UInt8(ascii: "/")) { return "may not contain '/'" }
        if name.utf8.contains(UInt8(ascii: "%")) { return "may not contain '%'" }
        return nil
    }

    // MARK: - Store round trips

    /// Reads one key; nil when absent.
    func read(_ objectKey: [UInt8]) async throws(StoreError) -> (T, KVPair)? {
        let result: RangeResult
        do {
            result = try await client.range(RangeQuery(KeyRange(key: objectKey)))
        } catch {
            throw StoreError.from(error, compactedMessage: error.description)
        }
        guard let pair = result.pairs.first else { return nil }
        return (try decode(pair), pair)
    }

    /// Runs a transaction, mapping store errors.
    func write(_ txn: TxnCommand) async throws(StoreError) -> WriteResult {
        do {
            return try await client.txn(txn)
        } catch {
            throw StoreError.from(error, compactedMessage: error.description)
        }
    }

    /// Decodes a stored pair and stamps its `resourceVersion`.
    func decode(_ pair: KVPair) throws(StoreError) -> T {
        do {
            var object = try T(json: pair.value)
            object.metadata.resourceVersion = String(pair.modRevision)
            return object
        } catch {
            throw .internalError(message: "stored \(kind.qualifiedResource) at \(String(decoding: pair.key, as: UTF8.self)) does not decode: \(error)")
        }
    }

    /// The first pair a transaction's failure-branch range returned, if any.
    static func rangedPair(_ result: WriteResult) -> KVPair?? {
        for case .range(let range) in result.results { return .some(range.pairs.first) }
        return .none
    }
}
