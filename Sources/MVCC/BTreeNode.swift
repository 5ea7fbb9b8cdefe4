/// One node of a ``BTree``: sorted keys with their values, and for an inner node one more child than keys.
///
/// - Warning: A node reachable from more than one tree is never mutated: every mutating path of
///   ``BTree`` first checks `isKnownUniquelyReferenced` and copies a shared node. That invariant is what
///   makes the `@unchecked Sendable` below safe: frozen copies handed to other threads only read.
///
/// The arrays skip Swift's dynamic exclusivity checks (`@exclusivity(unchecked)`, measured +10–20 % on
/// puts and reads): only ``BTree``'s own methods touch them, and none of those holds an access to one
/// array across a call that could access the same array again.
@usableFromInline
final class BTreeNode<Key: BTreeKey, Value>: @unchecked Sendable {
    @exclusivity(unchecked) @usableFromInline var keys: [Key]
    @exclusivity(unchecked) @usableFromInline var values: [Value]
    /// Empty for a leaf; `keys.count + 1` children for an inner node.
    @exclusivity(unchecked) @usableFromInline var children: [BTreeNode<Key, Value>]
    /// `hints[i]` summarizes `keys[i]` from `hintOffset` on (see ``BTreeKey``).
    @exclusivity(unchecked) @usableFromInline var hints: [UInt64]
    /// The length of the prefix shared by every key of this node.
    @usableFromInline var hintOffset: Int
    /// Whether `hintOffset` comes from the node's fences (the parent separators around it when it was
    /// created): every key that can ever be routed here lies strictly between them and so shares that
    /// prefix, and a search need not check it. Otherwise it is the prefix of the node's own first and
    /// last keys, and a search first checks that the key shares it.
    @usableFromInline var hintOffsetIsGuaranteed: Bool

    @usableFromInline
    init(keys: [Key] = [], values: [Value] = [], children: [BTreeNode<Key, Value>] = []) {
        self.keys = keys
        self.values = values
        self.children = children
        self.hints = []
        self.hintOffset = 0
        self.hintOffsetIsGuaranteed = false
        rebuildHints()
    }

    /// A shallow copy of `other` including its hints.
    @usableFromInline
    init(copying other: BTreeNode<Key, Value>) {
        self.keys = other.keys
        self.values = other.values
        self.children = other.children
        self.hints = other.hints
        self.hintOffset = other.hintOffset
        self.hintOffsetIsGuaranteed = other.hintOffsetIsGuaranteed
    }

    /// Recomputes the shared prefix of the node's own keys and every hint (after a split, or an insert
    /// at either end of a node without fence-backed offset).
    @usableFromInline
    func rebuildHints() {
        hintOffsetIsGuaranteed = false
        guard let first = keys.first, let last = keys.last else {
            hintOffset = 0
            hints.removeAll(keepingCapacity: true)
            return
        }
        recomputeHints(offset: Key.sharedPrefixLength(first, last))
    }

    @usableFromInline
    func recomputeHints(offset: Int) {
        hintOffset = offset
        hints.removeAll(keepingCapacity: true)
        hints.reserveCapacity(keys.capacity)
        for key in keys { hints.append(key.hint(from: offset)) }
    }

    /// Chooses the hint offset of a node just created by a split whose fences are `lower` and `upper`
    /// (nil at the edges of the tree): the fences' shared prefix when it is nearly as long as the keys'
    /// own (so the hints still hold distinguishing bytes), else the keys' own with a check at search.
    @usableFromInline
    func chooseHintOffset(lower: Key?, upper: Key?) {
        guard let lower, let upper, let first = keys.first, let last = keys.last else {
            rebuildHints()
            return
        }
        let fenced = Key.sharedPrefixLength(lower, upper)
        let own = Key.sharedPrefixLength(first, last)
        if fenced > 0 && own - fenced <= 4 {
            hintOffsetIsGuaranteed = true
            recomputeHints(offset: fenced)
        } else {
            hintOffsetIsGuaranteed = false
            recomputeHints(offset: own)
        }
    }

    /// Inserts a pair at `index`, keeping the hints right.
    @inlinable
    func insert(_ key: Key, _ value: Value, at index: Int) {
        keys.insert(key, at: index)
        values.insert(value, at: index)
        if !hintOffsetIsGuaranteed && (index == 0 || index == keys.count - 1) {
            let offset = Key.sharedPrefixLength(keys[0], keys[keys.count - 1])
            if offset != hintOffset || keys.count == 1 {
                rebuildHints()
                return
            }
        }
        hints.insert(key.hint(from: hintOffset), at: index)
    }

    @inlinable var isLeaf: Bool { children.isEmpty }

    /// A shallow copy: the arrays are copied on write, the children are shared.
    @usableFromInline
    func copy() -> BTreeNode<Key, Value> {
        let node = BTreeNode(copying: self)
        node.reserve(keys.count + 1)
        return node
    }

    /// The first index whose key is not less than `key`, and whether that key equals `key`.
    ///
    /// Touches only the dense hint array unless the key's hint equals a stored one (or the node's
    /// offset is not fence-backed): on inner levels a search usually never dereferences a key.
    @inlinable
    func search(_ key: Key) -> (index: Int, found: Bool) {
        let count = hints.count
        if count == 0 { return (0, false) }
        if hintOffset > 0 && !hintOffsetIsGuaranteed {
            let first = keys[0]
            if Key.sharedPrefixLength(key, first) < hintOffset {
                // The key leaves the node's shared prefix, so it sorts before or after all of its keys.
                return key < first ? (0, false) : (count, false)
            }
        }
        let hint = key.hint(from: hintOffset)
        var index = hints.withUnsafeBufferPointer { hints in
            var low = 0
            var high = count
            while low < high {
                let mid = (low &+ high) >> 1
                if hints[mid] < hint { low = mid &+ 1 } else { high = mid }
            }
            return low
        }
        if index == count || hints[index] != hint { return (index, false) }
        // Equal hints: compare the keys themselves.
        return keys.withUnsafeBufferPointer { keys in
            while index < count && hints[index] == hint {
                if keys[index] < key { index &+= 1 } else { return (index, !(key < keys[index])) }
            }
            return (index, false)
        }
    }

    /// Reserves room for `capacity` keys (and children) so a node's arrays are allocated once at their
    /// final size instead of doubling past it.
    @usableFromInline
    func reserve(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        hints.reserveCapacity(capacity)
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
    func split(maxKeys: Int, appending: Bool, lower: Key?, upper: Key?) -> (key: Key, value: Value, right: BTreeNode<Key, Value>) {
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
        chooseHintOffset(lower: lower, upper: key)
        right.chooseHintOffset(lower: key, upper: upper)
        return (key, value, right)
    }
}
