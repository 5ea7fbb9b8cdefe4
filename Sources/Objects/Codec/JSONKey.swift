#if canImport(Glibc)
import Glibc
#endif

/// An object member's name as a ``JSONPullReader`` hands it to a `readObject` body: a view of the
/// input bytes, matched against string literals with a length check and `memcmp` (no String is
/// made for a known member). `switch key { case "name": ... }` works through `~=`.
public struct JSONKey {
    @usableFromInline let source: [UInt8]
    @usableFromInline let start: Int
    @usableFromInline let count: Int
    /// The decoded name when it had escapes or non-ASCII bytes (then `source` is not used).
    @usableFromInline let decoded: String?

    init(source: [UInt8], start: Int, count: Int) {
        self.source = source
        self.start = start
        self.count = count
        self.decoded = nil
    }

    init(decoded: String) {
        self.source = []
        self.start = 0
        self.count = 0
        self.decoded = decoded
    }

    /// The name as a String (for unknown members, map keys and error paths).
    public var string: String {
        if let decoded { return decoded }
        return String(decoding: source[start..<start + count], as: UTF8.self)
    }

    /// Whether the name is exactly `literal`.
    @inline(__always)
    public static func ~= (literal: StaticString, key: JSONKey) -> Bool {
        if let decoded = key.decoded {
            return literal.withUTF8Buffer { decoded.utf8.elementsEqual($0) }
        }
        let n = literal.utf8CodeUnitCount
        guard n == key.count else { return false }
        return key.source.withUnsafeBufferPointer { buf in
            memcmp(buf.baseAddress! + key.start, literal.utf8Start, n) == 0
        }
    }
}
