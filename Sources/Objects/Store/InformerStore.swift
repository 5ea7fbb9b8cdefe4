/// The informer's local copy of the objects, by `namespace/name`, with secondary indices (e.g. pods
/// by `spec.nodeName`). A value type: the informer keeps it behind its lock.
struct InformerStore<T: APIObject> {
    /// Index name → function giving an object's index values.
    let indexers: [String: @Sendable (T) -> [String]]
    private(set) var objects: [String: T] = [:]
    /// Index name → value → keys.
    private var indices: [String: [String: Set<String>]] = [:]

    init(indexers: [String: @Sendable (T) -> [String]]) {
        self.indexers = indexers
    }

    static func key(_ object: T) -> String {
        CachedObject<T>.cacheKey(namespace: object.metadata.namespace, name: object.metadata.name)
    }

    /// Stores `object`; returns the previous one.
    @discardableResult
    mutating func upsert(_ object: T) -> T? {
        let key = Self.key(object)
        let old = objects.updateValue(object, forKey: key)
        if let old { unindex(old, key: key) }
        index(object, key: key)
        return old
    }

    /// Removes the object of `key`; returns it.
    @discardableResult
    mutating func remove(key: String) -> T? {
        guard let old = objects.removeValue(forKey: key) else { return nil }
        unindex(old, key: key)
        return old
    }

    private mutating func index(_ object: T, key: String) {
        for (name, function) in indexers {
            for value in function(object) { indices[name, default: [:]][value, default: []].insert(key) }
        }
    }

    private mutating func unindex(_ object: T, key: String) {
        for (name, function) in indexers {
            for value in function(object) {
                indices[name]?[value]?.remove(key)
                if indices[name]?[value]?.isEmpty == true { indices[name]?[value] = nil }
            }
        }
    }

    /// Objects whose index `name` has `value`, in key order.
    func byIndex(_ name: String, _ value: String) -> [T] {
        (indices[name]?[value] ?? []).sorted().compactMap { objects[$0] }
    }

    /// Every object, in key order.
    func all() -> [T] { objects.keys.sorted().map { objects[$0]! } }
}
