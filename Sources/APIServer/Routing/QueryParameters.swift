/// The decoded query string of a request (`?labelSelector=app%3Dweb&limit=500`). Repeated names
/// keep their first value, as Kubernetes' parameter decoding does for single-valued options.
public struct QueryParameters: Equatable, Sendable {
    public private(set) var pairs: [(name: String, value: String)] = []

    public init() {}

    /// Parses `a=1&b=%20x+y`; `+` is a space; malformed percent escapes are kept literally.
    public init(parsing query: Substring) {
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                pairs.append((Self.decode(part[..<eq]), Self.decode(part[part.index(after: eq)...])))
            } else {
                pairs.append((Self.decode(part), ""))
            }
        }
    }

    public subscript(name: String) -> String? {
        pairs.first(where: { $0.name == name })?.value
    }

    /// `true`, `1` and `True` are true (kubectl sends `watch=true`, the docs use `watch=1`).
    public func flag(_ name: String) -> Bool {
        guard let v = self[name] else { return false }
        return v == "true" || v == "1" || v == "True"
    }

    public static func == (a: QueryParameters, b: QueryParameters) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Percent-decodes one component (`%3D` → `=`, `+` → space).
    public static func decode(_ text: Substring) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
