/// One node of a ``BTree``: sorted keys with their values, and for an inner node one more child than keys.
///
/// - Warning: A node reachable from more than one tree is never mutated: every mutating path of
///   ``BTree`` first checks `isKnownUniquelyReferenced` and copies a shared node. That invariant is what
///   makes the `@unchecked Sendable` below safe: frozen copies handed to other threads only read.
@usableFromInline
final class BTreeNode<Key: Comparable, Value>: @unchecked Sendable {
    @usableFromInline var keys: [Key]
    @usableFromInline var values: [Value]
    /// Empty for a leaf; `keys.count + 1` children for an inner node.
    @usableFromInline var children: [BTreeNode<Key, Value>]

    @usableFromInline
    init(keys: [Key] = [], values: [Value] = [], children: [BTreeNode<Key, Value>] = []) {
        self.keys = keys
        self.values = values
        self.children = children
    }

    @inlinable var isLeaf: Bool { children.isEmpty }

    /// A shallow copy: the arrays are copied on write, the children are shared.
    @usableFromInline
    func copy() -> BTreeNode<Key, Value> {
        let node = BTreeNode(keys: keys, values: values, children: children)
        node.reserve(keys.count + 1)
        return node
    }

    /// The first index whose key is not less than `key`, and whether that key equals `key`.
    @inlinable
    func search(_ key: Key) -> (index: Int, found: Bool) {
        keys.withUnsafeBufferPointer { buffer in
            var low = 0
            var high = buffer.count
            while low < high {
                let mid = (low &+ high) >> 1
                if buffer[mid] < key { low = mid &+ 1 } else { high = mid }
            }
            return (low, low < buffer.count && !(key < buffer[low]))
        }
    }

    /// Reserves room for `capacity` keys (and children) so a node's arrays are allocated once at their
    /// final size instead of doubling past it.
    @usableFromInline
    func reserve(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        if !children.isEmpty { children.reserveCapacity(capacity + 1) }
    }

    /// Ensures the child at `index` is referenced only by this node, copying it if it is shared.
    @inlinable
    func makeChildUnique(_ index: Int) -> BTreeNode<Key, Value> {
        if !isKnownUniquelyReferenced(&children[index]) {
            children[index] = children[index].copy()
        }
        return children[index]
    }

    /// Splits an overfull node in two, returning the separating element and the right half. When the
    /// insertion was an append at the far right (revisions arrive in order), the left node stays full so
    /// sequentially built trees are packed instead of half empty.
    @usableFromInline
    func split(maxKeys: Int, appending: Bool) -> (key: Key, value: Value, right: BTreeNode<Key, Value>) {
        let middle = appending ? keys.count - 2 : keys.count / 2
        let right = BTreeNode(
            keys: Array(keys[(middle + 1)...]),
            values: Array(values[(middle + 1)...]),
            children: isLeaf ? [] : Array(children[(middle + 1)...]))
        right.reserve(maxKeys + 1)
        let key = keys[middle]
        let value = values[middle]
        keys.removeSubrange(middle...)
        values.removeSubrange(middle...)
        if !isLeaf { children.removeSubrange((middle + 1)...) }
        return (key, value, right)
    }
}
