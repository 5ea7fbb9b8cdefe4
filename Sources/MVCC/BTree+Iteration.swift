extension BTree {
    /// Calls `body` on each pair with `lower <= key < upper` in ascending key order (`nil` bounds are
    /// open) until `body` returns `false`.
    @inlinable
    public func forEach(from lower: Key? = nil, below upper: Key? = nil, _ body: (Key, Value) throws -> Bool) rethrows {
        _ = try Self.ascend(root, lower: lower, upper: upper, body)
    }

    /// Calls `body` on each pair with `lower <= key < upper` in descending key order (`nil` bounds are
    /// open) until `body` returns `false`.
    @inlinable
    public func forEachReversed(from lower: Key? = nil, below upper: Key? = nil, _ body: (Key, Value) throws -> Bool) rethrows {
        _ = try Self.descend(root, lower: lower, upper: upper, body)
    }

    /// The pair with the greatest key, if any.
    public var last: (key: Key, value: Value)? {
        var node = root
        while !node.isLeaf { node = node.children[node.children.count - 1] }
        guard let key = node.keys.last, let value = node.values.last else { return nil }
        return (key, value)
    }

    /// The pair with the smallest key, if any.
    public var first: (key: Key, value: Value)? {
        var node = root
        while !node.isLeaf { node = node.children[0] }
        guard let key = node.keys.first, let value = node.values.first else { return nil }
        return (key, value)
    }

    /// Returns false when `body` asked to stop or the upper bound was reached.
    @inlinable
    static func ascend(
        _ node: BTreeNode<Key, Value>, lower: Key?, upper: Key?, _ body: (Key, Value) throws -> Bool
    ) rethrows -> Bool {
        let start = lower.map { node.search($0).index } ?? 0
        let leaf = node.isLeaf
        var index = start
        while index < node.keys.count {
            if !leaf, try !ascend(node.children[index], lower: index == start ? lower : nil, upper: upper, body) {
                return false
            }
            if let upper, !(node.keys[index] < upper) { return false }
            if try !body(node.keys[index], node.values[index]) { return false }
            index += 1
        }
        if !leaf {
            return try ascend(node.children[node.keys.count], lower: start == node.keys.count ? lower : nil, upper: upper, body)
        }
        return true
    }

    @inlinable
    static func descend(
        _ node: BTreeNode<Key, Value>, lower: Key?, upper: Key?, _ body: (Key, Value) throws -> Bool
    ) rethrows -> Bool {
        // `end` is the number of keys below `upper`; child `end` may still hold keys below it.
        let end = upper.map { node.search($0).index } ?? node.keys.count
        let leaf = node.isLeaf
        if !leaf, try !descend(node.children[end], lower: lower, upper: upper, body) { return false }
        var index = end - 1
        while index >= 0 {
            if let lower, node.keys[index] < lower { return false }
            if try !body(node.keys[index], node.values[index]) { return false }
            if !leaf, try !descend(node.children[index], lower: lower, upper: nil, body) { return false }
            index -= 1
        }
        return true
    }

    /// Checks the B-tree invariants (sorted keys, bounds, uniform depth, node sizes, count) and returns a
    /// description of the first violation, or `nil`. For tests.
    public func invariantViolation() -> String? {
        var total = 0
        var leafDepth: Int?
        func check(_ node: BTreeNode<Key, Value>, depth: Int, lower: Key?, upper: Key?, isRoot: Bool) -> String? {
            if node.keys.count != node.values.count { return "keys/values count differ" }
            if node.hints.count != node.keys.count { return "hints count differs" }
            if let first = node.keys.first, let last = node.keys.last {
                if node.hintOffsetIsGuaranteed {
                    guard let lower, let upper, Key.sharedPrefixLength(lower, upper) >= node.hintOffset else {
                        return "fence-backed hint offset not backed by the bounds"
                    }
                } else if node.hintOffset != Key.sharedPrefixLength(first, last) {
                    return "stale hint offset"
                }
                for index in node.keys.indices where node.hints[index] != node.keys[index].hint(from: node.hintOffset) {
                    return "stale hint at \(index)"
                }
            }
            if node.keys.count > maxKeysPerNode { return "node overfull: \(node.keys.count)" }
            if !isRoot && node.keys.isEmpty { return "empty non-root node" }
            for index in node.keys.indices {
                if index > 0 && !(node.keys[index - 1] < node.keys[index]) { return "keys not strictly sorted" }
                if let lower, !(lower < node.keys[index]) { return "key below lower bound" }
                if let upper, !(node.keys[index] < upper) { return "key above upper bound" }
            }
            total += node.keys.count
            if node.isLeaf {
                if let leafDepth, leafDepth != depth { return "leaves at different depths" }
                leafDepth = depth
                return nil
            }
            if node.children.count != node.keys.count + 1 { return "wrong child count" }
            for index in node.children.indices {
                let childLower = index == 0 ? lower : node.keys[index - 1]
                let childUpper = index == node.keys.count ? upper : node.keys[index]
                if let problem = check(node.children[index], depth: depth + 1, lower: childLower, upper: childUpper, isRoot: false) {
                    return problem
                }
            }
            return nil
        }
        if let problem = check(root, depth: 0, lower: nil, upper: nil, isRoot: true) { return problem }
        return total == count ? nil : "count \(count) but \(total) pairs"
    }
}
