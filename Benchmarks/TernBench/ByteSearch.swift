#if canImport(Glibc)
import Glibc
#endif

/// Substring search over raw bytes (memchr for the first byte, memcmp for the rest).
enum ByteSearch {
    /// The offset of the first `needle` in `base[from..<end]`, or nil.
    @inline(__always)
    static func find(_ needle: StaticString, in base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int? {
        let n = needle.utf8CodeUnitCount
        let first = Int32(needle.utf8Start.pointee)
        var i = from
        while end - i >= n {
            guard let hit = memchr(base + i, first, end - i - n + 1) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + at, needle.utf8Start, n) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    /// Counts non-overlapping occurrences of `needle` in `base[from..<end]`.
    static func count(_ needle: StaticString, in base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var c = 0
        var i = from
        while let at = find(needle, in: base, from: i, end: end) {
            c += 1
            i = at + needle.utf8CodeUnitCount
        }
        return c
    }

    /// Parses decimal digits starting at `at` (stops at the first non-digit).
    static func decimal(in base: UnsafePointer<UInt8>, at: Int, end: Int) -> Int64? {
        var i = at
        var v: Int64 = 0
        var neg = false
        if i < end && base[i] == UInt8(ascii: "-") { neg = true; i += 1 }
        let start = i
        while i < end, base[i] >= 48, base[i] <= 57 {
            v = v &* 10 &+ Int64(base[i] - 48)
            i += 1
        }
        return i == start ? nil : (neg ? -v : v)
    }

    /// The integer after `"field":` (quoted or not) in `bytes`, or nil.
    static func intField(_ field: StaticString, in bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBufferPointer { buf -> Int64? in
            guard let base = buf.baseAddress, let at = find(field, in: base, from: 0, end: buf.count) else { return nil }
            var i = at + field.utf8CodeUnitCount
            while i < buf.count, base[i] == UInt8(ascii: ":") || base[i] == UInt8(ascii: "\"") || base[i] == UInt8(ascii: " ") { i += 1 }
            return decimal(in: base, at: i, end: buf.count)
        }
    }

    /// True if `needle` occurs in `bytes`.
    static func contains(_ needle: StaticString, in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return false }
            return find(needle, in: base, from: 0, end: buf.count) != nil
        }
    }
}
