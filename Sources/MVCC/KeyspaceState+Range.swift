extension KeyspaceState {
    /// Answers a RangeRequest exactly as etcd 3.4 does: filters, then sort, then limit; `count` is the
    /// number of keys in the range at that revision, ignoring limit and the min/max filters.
    /// - Throws: ``MVCCError/emptyKey``, ``MVCCError/invalidRange(key:rangeEnd:)``,
    ///   ``MVCCError/futureRevision(requested:currentRevision:)``, ``MVCCError/compacted(requested:compactRevision:)``.
    public func range(_ request: RangeRequest) throws(MVCCError) -> RangeResponse {
        try range(request, readLimitRevision: currentRevision, headerRevision: currentRevision)
    }

    /// Range reading at most at `readLimitRevision` (a txn reading its own writes passes current + 1).
    func range(_ request: RangeRequest, readLimitRevision: Int64, headerRevision: Int64) throws(MVCCError) -> RangeResponse {
        let interval = try KeyInterval(key: request.key, rangeEnd: request.rangeEnd)
        let revision = try readRevision(request.revision, current: readLimitRevision)
        let hasFilters = request.minModRevision != 0 || request.maxModRevision != 0
            || request.minCreateRevision != 0 || request.maxCreateRevision != 0
        var order = request.sortOrder
        if request.sortTarget != .key && order == .none { order = .ascend }
        let keyOrder = request.sortTarget == .key && order != .descend
        // Without sorting or filters, collecting limit + 1 is enough to know `more`.
        let collectLimit = (keyOrder && !hasFilters && request.limit > 0 && request.limit < Int64.max) ? Int(request.limit) + 1 : Int.max
        var count: Int64 = 0
        var kvs: [KeyValue] = []
        interval.forEach(in: keys) { key, index in
            guard let version = index.live(at: revision) else { return true }
            count += 1
            if request.countOnly || kvs.count >= collectLimit { return true }
            if request.minModRevision != 0 && version.modRevision.main < request.minModRevision { return true }
            if request.maxModRevision != 0 && version.modRevision.main > request.maxModRevision { return true }
            if request.minCreateRevision != 0 && version.createRevision < request.minCreateRevision { return true }
            if request.maxCreateRevision != 0 && version.createRevision > request.maxCreateRevision { return true }
            kvs.append(version.keyValue(key: key.bytes))
            return true
        }
        if !keyOrder { Self.sort(&kvs, target: request.sortTarget, descending: order == .descend) }
        var more = false
        if request.limit > 0 && kvs.count > Int(request.limit) {
            kvs.removeSubrange(Int(request.limit)...)
            more = true
        }
        // As etcd: values are dropped after sorting (a keys-only range may still sort by value).
        if request.keysOnly {
            for index in kvs.indices { kvs[index].value = [] }
        }
        return RangeResponse(header: ResponseHeader(revision: headerRevision), kvs: kvs, more: more, count: count)
    }

    /// Sorts by `target`; ties keep ascending key order (the order kvs arrive in), so results are stable.
    static func sort(_ kvs: inout [KeyValue], target: RangeRequest.SortTarget, descending: Bool) {
        if target == .key {
            if descending { kvs.reverse() }
            return
        }
        func less(_ a: KeyValue, _ b: KeyValue) -> Bool {
            switch target {
            case .key: return ByteKey(a.key) < ByteKey(b.key)
            case .version: return a.version < b.version
            case .create: return a.createRevision < b.createRevision
            case .mod: return a.modRevision < b.modRevision
            case .value: return ByteKey(a.value) < ByteKey(b.value)
            }
        }
        // Decorate with the arrival position to make the sort stable.
        var decorated = Array(kvs.enumerated())
        decorated.sort { lhs, rhs in
            if descending {
                if less(rhs.element, lhs.element) { return true }
                if less(lhs.element, rhs.element) { return false }
            } else {
                if less(lhs.element, rhs.element) { return true }
                if less(rhs.element, lhs.element) { return false }
            }
            return lhs.offset < rhs.offset
        }
        kvs = decorated.map(\.element)
    }

    /// The state of one key at the current revision (nil if absent): the fast path for point reads.
    @inlinable
    public func get(_ key: [UInt8]) -> KeyValue? {
        keys.value(forKey: ByteKey(key))?.current?.keyValue(key: key)
    }
}
