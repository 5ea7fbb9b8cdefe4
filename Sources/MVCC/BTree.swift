/// An ordered map written for the keyspace: a B-tree with copy-on-write nodes.
///
/// Copying a tree is O(1) (it copies the root reference); the first write after a copy copies only the
/// nodes on the path it touches (`isKnownUniquelyReferenced`), so a frozen copy can be read or
/// serialized on another thread while the original keeps changing. Keys are unique. There is no
/// single-key removal: the keyspace only removes entries when it compacts, and then rebuilds.
public struct BTree<Key: BTreeKey, Value> {
    @usableFromInline var root: BTreeNode<Key, Value>
    /// The number of key/value pairs.
    public var count: Int { storedCount }
    @usableFromInline var storedCount: Int
    /// A node splits when it holds more keys than this.
    public let maxKeysPerNode: Int

    /// An empty tree whose nodes hold at most `maxKeysPerNode` keys (at least 3; small values exercise
    /// splits in tests, the default is sized by measurement for the keyspace).
    public init(maxKeysPerNode: Int = 64) {
        self.root = BTreeNode()
        self.storedCount = 0
        self.maxKeysPerNode = Swift.max(3, maxKeysPerNode)
        root.reserve(self.maxKeysPerNode + 1)
    }

    /// Whether the tree holds no pairs.
    public var isEmpty: Bool { count == 0 }

    /// The value stored for `key`, if any.
    @inlinable
    public func value(forKey key: Key) -> Value? {
        var node = root
        while true {
            let (index, found) = node.search(key)
            if found { return node.values[index] }
            if node.isLeaf { return nil }
            node = node.children[index]
        }
    }

    /// Runs `body` on the value for `key`, inserting `makeDefault()` first when the key is absent.
    /// - Returns: what `body` returns.
    @inlinable
    public mutating func upsert<Result>(
        _ key: Key, default makeDefault: () -> Value, _ body: (inout Value) -> Result
    ) -> Result {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        var result: Result?
        var inserted = false
        if let split = Self.upsert(
            in: root, key: key, lower: nil, upper: nil, maxKeys: maxKeysPerNode, makeDefault: makeDefault,
            body: body, result: &result, inserted: &inserted)
        {
            root = BTreeNode(keys: [split.key], values: [split.value], children: [root, split.right])
            root.reserve(maxKeysPerNode + 1)
        }
        if inserted { storedCount += 1 }
        guard let result else { preconditionFailure("BTree.upsert: body was not run") }
        return result
    }

    /// Stores `value` for `key`, returning the value it replaced (nil when the key was new).
    @discardableResult
    @inlinable
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        let before = count
        var old: Value?
        upsert(key, default: { value }) { stored in
            old = stored
            stored = value
        }
        return count == before ? old : nil
    }

    @inlinable
    static func upsert<Result>(
        in node: BTreeNode<Key, Value>, key: Key, lower: Key?, upper: Key?, maxKeys: Int, makeDefault: () -> Value,
        body: (inout Value) -> Result, result: inout Result?, inserted: inout Bool
    ) -> (key: Key, value: Value, right: BTreeNode<Key, Value>)? {
        let (index, found) = node.search(key)
        if found {
            result = body(&node.values[index])
            return nil
        }
        let appending = index == node.keys.count
        if node.isLeaf {
            var value = makeDefault()
            result = body(&value)
            node.insert(key, value, at: index)
            inserted = true
        } else {
            let child = node.makeChildUnique(index)
            if let split = upsert(
                in: child, key: key, lower: index > 0 ? node.keys[index - 1] : lower,
                upper: index < node.keys.count ? node.keys[index] : upper, maxKeys: maxKeys,
                makeDefault: makeDefault, body: body, result: &result, inserted: &inserted)
            {
                node.insert(split.key, split.value, at: index)
                node.children.insert(split.right, at: index + 1)
            }
        }
        return node.keys.count > maxKeys ? node.split(maxKeys: maxKeys, appending: appending, lower: lower, upper: upper) : nil
    }
}

extension BTree: Sendable where Key: Sendable, Value: Sendable {}
