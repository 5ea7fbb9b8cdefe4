import JSON
import Objects
import Patch

/// Serves one kind `T` over the typed object store and its watch cache: decodes request bodies,
/// applies defaults, lets the store validate and write, applies the four patch types, and hands
/// out each object's JSON (from the cache, encoded once, for lists and watches).
public struct TypedResourceHandler<T: APIObject>: ResourceHandler {
    public let served: ServedResource
    let store: ObjectStore<T>
    let cache: WatchCache<T>
    /// For namespaced kinds: whether a namespace exists (a create into a missing one is 404).
    let namespaceExists: (@Sendable (String) async throws(StoreError) -> Bool)?
    /// Kubernetes' defaulting for the kind, applied to every object a client sends.
    let applyDefaults: @Sendable (inout T) -> Void
    let schema: StrategicMergeSchema
    let nowText: @Sendable () -> String
    /// Patches retry this many times when the object changed between read and write.
    static var maxPatchAttempts: Int { 16 }

    public init(store: ObjectStore<T>, cache: WatchCache<T>,
                namespaceExists: (@Sendable (String) async throws(StoreError) -> Bool)?,
                applyDefaults: @escaping @Sendable (inout T) -> Void = { _ in },
                nowText: @escaping @Sendable () -> String) {
        served = ServedResource.standard(T.resourceKind)
        self.store = store
        self.cache = cache
        self.namespaceExists = namespaceExists
        self.applyDefaults = applyDefaults
        schema = StrategicMergeSchema.forKind(T.resourceKind.kind)
        self.nowText = nowText
    }

    var kind: ResourceKind { T.resourceKind }

    // MARK: reads

    public func get(namespace: String, name: String) async throws(APIStatus) -> ObjectBytes {
        ObjectBytes(json: try await stored(namespace: namespace, name: name).encodeJSON())
    }

    public func list(namespace: String, options: ListParameters) async throws(APIStatus) -> ListPage {
        let filter = try SelectorFilter<T>(label: options.labelSelector, field: options.fieldSelector).predicate
        let storeOptions = try Self.storeListOptions(options)
        do {
            if let cached = try await cache.cachedList(namespace: namespace, options: storeOptions, filter: filter) {
                return ListPage(items: cached.items.map(\.json), resourceVersion: cached.resourceVersion)
            }
            let page = try await store.list(namespace: namespace, options: storeOptions, filter: filter)
            return ListPage(items: page.items.map { $0.encodeJSON() }, resourceVersion: page.resourceVersion,
                            continueToken: page.continueToken ?? "", remainingItemCount: page.remainingItemCount)
        } catch {
            throw APIStatus.from(error, kind: kind)
        }
    }

    static func storeListOptions(_ p: ListParameters) throws(APIStatus) -> ListOptions {
        var match: ResourceVersionMatch?
        if !p.resourceVersionMatch.isEmpty {
            guard let m = ResourceVersionMatch(rawValue: p.resourceVersionMatch) else {
                throw APIStatus.badRequest("resourceVersionMatch: Unsupported value: \"\(p.resourceVersionMatch)\": supported values: \"Exact\", \"NotOlderThan\"")
            }
            match = m
        }
        return ListOptions(resourceVersion: p.resourceVersion, resourceVersionMatch: match, limit: Int(p.limit),
                           continueToken: p.continueToken.isEmpty ? nil : p.continueToken)
    }

    func stored(namespace: String, name: String) async throws(APIStatus) -> T {
        do { return try await store.get(namespace: namespace, name: name) } catch { throw APIStatus.from(error, kind: kind) }
    }

    // MARK: writes

    /// Decodes a body as `T`, refusing another kind and naming the field of a type error.
    func decode(_ body: JSONValue) throws(APIStatus) -> T {
        if let apiVersion = body["apiVersion"]?.text, let k = body["kind"]?.text,
           apiVersion != kind.apiVersion || k != kind.kind {
            throw APIStatus.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(kind.apiVersion))"
                                       + (k == kind.kind ? "" : " or the kind (\(k)) does not match \(kind.kind)"))
        }
        do { return try T(json: body.encoded()) } catch {
            throw APIStatus.badRequest("error decoding the \(kind.kind): \(error)")
        }
    }

    /// Applies `fieldValidation`: Strict refuses unknown members with 400, Warn returns them as
    /// warnings, Ignore keeps them silently (unknown members are stored either way, as written).
    func checkUnknownFields(_ object: T, _ options: WriteParameters) throws(APIStatus) -> [String] {
        guard options.fieldValidation != .ignore else { return [] }
        let unknown = UnknownFieldFinder.paths(in: object)
        guard !unknown.isEmpty else { return [] }
        let messages = unknown.map { "unknown field \"\($0)\"" }
        if options.fieldValidation == .strict {
            throw APIStatus.badRequest("\(kind.kind) in version \"\(kind.version)\" cannot be handled as a \(kind.kind): strict decoding error: "
                                       + messages.joined(separator: ", "))
        }
        return messages
    }

    public func create(namespace: String, body: JSONValue, options: WriteParameters) async throws(APIStatus) -> ObjectBytes {
        var object = try decode(body)
        let warnings = try checkUnknownFields(object, options)
        if kind.namespaced { object.metadata.namespace = namespace }
        try await requireNamespace(namespace)
        applyDefaults(&object)
        // Ownership bookkeeping is best effort: a failure leaves managedFields as they were.
        if !options.fieldManager.isEmpty, let recorded = try? record(from: nil, to: object, manager: options.fieldManager) {
            object = recorded
        }
        if options.dryRun { return ObjectBytes(json: object.encodeJSON(), created: true, warnings: warnings) }
        do { return ObjectBytes(json: try await store.create(object).encodeJSON(), created: true, warnings: warnings) } catch {
            throw APIStatus.from(error, kind: kind)
        }
    }

    func requireNamespace(_ namespace: String) async throws(APIStatus) {
        guard kind.namespaced, let namespaceExists else { return }
        let exists: Bool
        do { exists = try await namespaceExists(namespace) } catch { throw APIStatus.from(error, kind: kind) }
        if !exists { throw APIStatus.notFound("namespaces", group: "", name: namespace) }
    }

    public func update(namespace: String, name: String, subresource: String, body: JSONValue,
                       options: WriteParameters) async throws(APIStatus) -> ObjectBytes {
        var object = try decode(body)
        let warnings = try checkUnknownFields(object, options)
        if kind.namespaced { object.metadata.namespace = namespace }
        object.metadata.name = name
        applyDefaults(&object)
        if options.dryRun { return ObjectBytes(json: object.encodeJSON(), warnings: warnings) }
        do {
            let written = subresource == "status" ? try await store.updateStatus(object) : try await store.update(object)
            return ObjectBytes(json: written.encodeJSON(), warnings: warnings)
        } catch {
            throw APIStatus.from(error, kind: kind)
        }
    }

    /// Records managed fields for a write by `manager` (Update) — what `kubectl get -o yaml
    /// --show-managed-fields` shows; apply patches record their own (Apply).
    func record(from old: T?, to new: T, manager: String) throws -> T {
        let before = try old.map { try JSONParser.parse($0.encodeJSON()) }
        let after = try JSONParser.parse(new.encodeJSON())
        let result = try ServerSideApply.recordUpdate(from: before, to: after, manager: manager, apiVersion: kind.apiVersion,
                                                      schema: schema, time: nowText())
        return try T(json: result.object.encoded())
    }
}
