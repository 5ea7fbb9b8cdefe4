import KVClient

extension ObjectStore {
    /// The message of a 410 for a continue token whose revision was compacted.
    static var expiredContinueMessage: String {
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."
    }

    /// Lists objects of one namespace (or all, with `namespace` empty) at one store revision, keeping
    /// those `filter` accepts (label and field selectors, as a predicate over the decoded object).
    /// `resourceVersion` "" reads the most recent state (linearizable), "0" any recent state (a
    /// serializable read), "N" a state not older than N (or exactly N with `.exact`). With `limit`,
    /// returns a `continueToken` pinned to the first page's revision.
    /// - Throws: `.gone` for a continue token or exact version below the compaction point,
    ///   `.badRequest` for a malformed token or version, `.timeout` for a version newer than the store's.
    public func list(namespace: String = "", options: ListOptions = ListOptions(),
                     filter: ((T) -> Bool)? = nil) async throws(StoreError) -> ObjectList<T> {
        let prefix = RegistryKey.prefix(kind, namespace: namespace)
        let end = KeyRange.prefix(prefix).end
        var cursor = prefix
        var pinned: Int64 = 0
        var minimum: Int64 = 0
        var serializable = false
        var compactedMessage = "The resourceVersion for the provided list is too old."
        if let text = options.continueToken, !text.isEmpty {
            if !options.resourceVersion.isEmpty && options.resourceVersion != "0" {
                throw .badRequest(message: "specifying resource version is not allowed when using continue")
            }
            let token = try ContinueToken(parsing: text)
            pinned = token.revision
            cursor = prefix + token.startSuffix
            compactedMessage = Self.expiredContinueMessage
        } else {
            switch options.resourceVersion {
            case "":
                if options.resourceVersionMatch != nil {
                    throw .badRequest(message: "resourceVersionMatch is forbidden unless resourceVersion is provided")
                }
            case "0":
                if options.resourceVersionMatch == .exact {
                    throw .badRequest(message: "resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"")
                }
                serializable = true
            default:
                guard let n = Int64(options.resourceVersion), n > 0 else {
                    throw .badRequest(message: "invalid resource version: \"\(options.resourceVersion)\"")
                }
                if options.resourceVersionMatch == .exact { pinned = n } else { minimum = n }
            }
        }
        let limit = max(0, options.limit)
        var items: [T] = []
        // With a filter, a page may need many more keys than `limit`: read batches that double
        // (up to 1,024 keys, or `limit` if larger) while they yield too little.
        var batch = limit
        while true {
            let query = RangeQuery(KeyRange(key: cursor, end: end), limit: Int64(batch), revision: pinned,
                                   serializable: serializable && pinned == 0)
            let result: RangeResult
            do {
                result = try await client.range(query)
            } catch {
                throw StoreError.from(error, compactedMessage: compactedMessage)
            }
            if pinned == 0 {
                pinned = result.revision
                if pinned < minimum {
                    throw .timeout(message: "Too large resource version: \(minimum), current: \(pinned)")
                }
            }
            for (index, pair) in result.pairs.enumerated() {
                let object = try decode(pair)
                if filter?(object) ?? true { items.append(object) }
                if limit > 0 && items.count == limit {
                    let more = index + 1 < result.pairs.count || result.more
                    guard more else { break }
                    let token = ContinueToken(revision: pinned, startSuffix: Array(pair.key[prefix.count...]) + [0])
                    let remaining = filter == nil ? result.count - Int64(index + 1) : nil
                    return ObjectList(items: items, resourceVersion: String(pinned), continueToken: token.encoded,
                                      remainingItemCount: remaining)
                }
            }
            guard result.more, let last = result.pairs.last else { break }
            cursor = last.key + [0]
            batch = min(batch * 2, max(limit, 1_024))
        }
        return ObjectList(items: items, resourceVersion: String(pinned))
    }
}
