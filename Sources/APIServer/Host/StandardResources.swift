import KVClient
import Objects

/// Every kind of the objects layer, each with its store and watch cache, served over one store
/// client. Caches start in the background and retry until the store answers.
public final class StandardResources: Sendable {
    public let handlers: [any ResourceHandler]
    /// Starts every cache (retrying each until it loads); `ready` says whether all are following.
    let starters: [@Sendable () async -> Bool]
    let stoppers: [@Sendable () -> Void]
    let readiness: [@Sendable () -> Bool]
    let namespaces: ObjectStore<Namespace>

    public init(client: any KVClient, environment: StoreEnvironment = .system) {
        var handlers: [any ResourceHandler] = []
        var starters: [@Sendable () async -> Bool] = []
        var stoppers: [@Sendable () -> Void] = []
        var readiness: [@Sendable () -> Bool] = []
        let namespaces = ObjectStore<Namespace>(client: client, environment: environment)
        self.namespaces = namespaces
        let namespaceExists: @Sendable (String) async throws(StoreError) -> Bool = { name throws(StoreError) in
            try await Self.exists(name, in: namespaces)
        }
        let nowText: @Sendable () -> String = { environment.now().rfc3339 }
        func add<T: APIObject>(_ type: T.Type) {
            // Kubernetes' validation runs in the store, on every create and update (after defaulting).
            let store = ObjectStore<T>(client: client, environment: environment, validate: { new, old in
                old.map { Validation.validateUpdate(new, from: $0) } ?? Validation.validate(new)
            })
            let cache = WatchCache<T>(store: store)
            handlers.append(TypedResourceHandler(store: store, cache: cache,
                                                 namespaceExists: T.resourceKind.namespaced ? namespaceExists : nil,
                                                 applyDefaults: { object in
                                                     if let defaulted = Defaulting.applyAny(object) as? T { object = defaulted }
                                                 },
                                                 nowText: nowText))
            starters.append {
                do {
                    try await cache.start()
                    return true
                } catch {
                    return false
                }
            }
            stoppers.append { cache.stop() }
            readiness.append { cache.isReady }
        }
        add(Namespace.self)
        add(Node.self)
        add(Pod.self)
        add(Service.self)
        add(Endpoints.self)
        add(ConfigMap.self)
        add(Secret.self)
        add(ServiceAccount.self)
        add(Event.self)
        add(ReplicaSet.self)
        add(Deployment.self)
        add(StatefulSet.self)
        add(DaemonSet.self)
        add(Job.self)
        add(CronJob.self)
        add(Lease.self)
        self.handlers = handlers
        self.starters = starters
        self.stoppers = stoppers
        self.readiness = readiness
    }

    static func exists(_ name: String, in namespaces: ObjectStore<Namespace>) async throws(StoreError) -> Bool {
        do {
            _ = try await namespaces.get(name: name)
            return true
        } catch .notFound {
            return false
        }
    }

    /// Whether every watch cache holds a complete state.
    public var isReady: Bool { readiness.allSatisfy { $0() } }

    /// Loads every watch cache, retrying each every `retryMilliseconds` until it succeeds or
    /// `shouldStop` says so; then makes sure the namespaces every cluster has exist.
    public func start(retryMilliseconds: UInt64 = 200, shouldStop: @escaping @Sendable () -> Bool) async {
        for start in starters {
            while !shouldStop() {
                if await start() { break }
                try? await Task.sleep(nanoseconds: retryMilliseconds * 1_000_000)
            }
        }
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            while !shouldStop() {
                do {
                    var namespace = Namespace()
                    namespace.metadata.name = name
                    _ = try await namespaces.create(namespace)
                    break
                } catch .alreadyExists {
                    break
                } catch {
                    try? await Task.sleep(nanoseconds: retryMilliseconds * 1_000_000)
                }
            }
        }
    }

    public func stop() {
        for stop in stoppers { stop() }
    }
}
