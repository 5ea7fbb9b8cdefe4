import Testing
@testable import MVCC

@Suite("BTree")
struct BTreeTests {
    @Test("random inserts match a sorted reference, iteration both ways with bounds",
          arguments: [(3, 1), (4, 2), (5, 3), (16, 4), (64, 5)])
    func randomAgainstReference(nodeSize: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var tree = BTree<Int, Int>(maxKeysPerNode: nodeSize)
        var reference: [Int: Int] = [:]
        for step in 0..<2000 {
            let key = Int.random(in: 0..<700, using: &generator)
            let value = step
            let old = tree.updateValue(value, forKey: key)
            #expect(old == reference[key], "seed \(seed) step \(step)")
            reference[key] = value
        }
        #expect(tree.invariantViolation() == nil, "seed \(seed)")
        #expect(tree.count == reference.count)
        let sortedKeys = reference.keys.sorted()
        var forward: [Int] = []
        tree.forEach { key, value in
            #expect(reference[key] == value)
            forward.append(key)
            return true
        }
        #expect(forward == sortedKeys)
        for _ in 0..<50 {
            let lower = Int.random(in: -5..<710, using: &generator)
            let upper = Int.random(in: lower..<720, using: &generator)
            let expected = sortedKeys.filter { $0 >= lower && $0 < upper }
            var up: [Int] = []
            tree.forEach(from: lower, below: upper) { key, _ in up.append(key); return true }
            #expect(up == expected, "seed \(seed) [\(lower), \(upper))")
            var down: [Int] = []
            tree.forEachReversed(from: lower, below: upper) { key, _ in down.append(key); return true }
            #expect(down == expected.reversed(), "seed \(seed) reversed [\(lower), \(upper))")
            var firstThree: [Int] = []
            tree.forEach(from: lower) { key, _ in firstThree.append(key); return firstThree.count < 3 }
            #expect(firstThree == Array(sortedKeys.filter { $0 >= lower }.prefix(3)))
        }
        #expect(tree.first?.key == sortedKeys.first)
        #expect(tree.last?.key == sortedKeys.last)
    }

    @Test("a copy is a frozen snapshot: writes to either side do not show in the other")
    func copyOnWrite() {
        var tree = BTree<Int, String>(maxKeysPerNode: 4)
        for key in 0..<200 { tree.updateValue("v\(key)", forKey: key) }
        let frozen = tree
        for key in 0..<200 where key % 3 == 0 { tree.updateValue("new\(key)", forKey: key) }
        for key in 200..<260 { tree.updateValue("v\(key)", forKey: key) }
        #expect(frozen.count == 200)
        #expect(tree.count == 260)
        for key in 0..<200 {
            #expect(frozen.value(forKey: key) == "v\(key)")
            #expect(tree.value(forKey: key) == (key % 3 == 0 ? "new\(key)" : "v\(key)"))
        }
        #expect(frozen.value(forKey: 230) == nil)
        #expect(frozen.invariantViolation() == nil)
        #expect(tree.invariantViolation() == nil)
    }

    @Test("byte keys order like memcmp with a length tie-break")
    func byteKeyOrder() {
        let samples: [[UInt8]] = [[], [0], [0, 0], [1], [0xFF], [0xFF, 0], Array(repeating: 7, count: 9),
                                  Array(repeating: 7, count: 8), Array(repeating: 7, count: 8) + [0], [7, 7, 7, 7, 7, 7, 7, 8]]
        for a in samples {
            for c in samples {
                let expected = a.lexicographicallyPrecedes(c)
                #expect((ByteKey(a) < ByteKey(c)) == expected, "\(a) < \(c)")
            }
        }
        #expect(ByteKey.prefixEnd(b("a/")) == b("a0"))
        #expect(ByteKey.prefixEnd([0x61, 0xFF]) == [0x62])
        #expect(ByteKey.prefixEnd([0xFF]) == nil)
    }
}

@Suite("BTree with byte keys")
struct ByteKeyTreeTests {
    @Test("byte keys with long shared prefixes, zero bytes and prefixes of each other match a reference",
          arguments: [(3, 21 as UInt64), (5, 22), (32, 23)])
    func randomByteKeys(nodeSize: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var tree = BTree<ByteKey, Int>(maxKeysPerNode: nodeSize)
        var reference: [ByteKey: Int] = [:]
        let prefixes: [[UInt8]] = [[], b("/registry/pods/default/"), b("/registry/pods/kube-system/"), [0, 0, 0]]
        func randomKey() -> ByteKey {
            let prefix = prefixes[Int.random(in: 0..<prefixes.count, using: &generator)]
            let tail = (0..<Int.random(in: 0...10, using: &generator)).map { _ in UInt8.random(in: 0...3, using: &generator) }
            return ByteKey(prefix + tail)
        }
        for step in 0..<3000 {
            let key = randomKey()
            if key.bytes.isEmpty { continue }
            #expect(tree.updateValue(step, forKey: key) == reference[key], "seed \(seed) step \(step)")
            reference[key] = step
        }
        #expect(tree.invariantViolation() == nil, "seed \(seed)")
        let sorted = reference.keys.sorted()
        var seen: [ByteKey] = []
        tree.forEach { key, _ in seen.append(key); return true }
        #expect(seen == sorted)
        for _ in 0..<500 {
            let probe = randomKey()
            #expect(tree.value(forKey: probe) == reference[probe], "seed \(seed)")
            var after: [ByteKey] = []
            tree.forEach(from: probe) { key, _ in after.append(key); return after.count < 2 }
            #expect(after == Array(sorted.filter { !($0 < probe) }.prefix(2)), "seed \(seed)")
        }
    }
}
