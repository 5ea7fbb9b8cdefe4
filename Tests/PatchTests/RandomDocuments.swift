import JSON
@testable import Patch

/// A seeded SplitMix64 generator: every random test takes its seed as an argument and replays
/// exactly from it.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Small random JSON documents over a tiny key alphabet, so that patches and documents overlap.
enum RandomDocuments {
    static let keys = ["a", "b", "c", "d", "e/f", "g~h"]

    static func primitive(_ rng: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return .number(String(Int.random(in: -5...5, using: &rng)))
        case 1: return .string(["x", "y", "z"][Int.random(in: 0..<3, using: &rng)])
        case 2: return .bool(Bool.random(using: &rng))
        default: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in .number(String(Int.random(in: 0...3, using: &rng))) })
        }
    }

    /// A random object; `nulls` allows null members (merge-patch deletions).
    static func object(_ rng: inout SeededGenerator, depth: Int, nulls: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for key in keys where Int.random(in: 0..<3, using: &rng) == 0 {
            let value: JSONValue
            if nulls && Int.random(in: 0..<5, using: &rng) == 0 {
                value = .null
            } else if depth > 0 && Bool.random(using: &rng) {
                value = object(&rng, depth: depth - 1, nulls: nulls)
            } else {
                value = primitive(&rng)
            }
            members.append((key: key, value: value))
        }
        return .object(members)
    }

    /// The pointers to every value in a document (root excluded), in document order.
    static func pointers(in value: JSONValue, prefix: [String] = []) -> [JSONPointer] {
        var out: [JSONPointer] = []
        switch value {
        case .object(let members):
            for member in members {
                let path = prefix + [member.key]
                out.append(JSONPointer(tokens: path))
                out += pointers(in: member.value, prefix: path)
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                let path = prefix + [String(i)]
                out.append(JSONPointer(tokens: path))
                out += pointers(in: item, prefix: path)
            }
        default:
            break
        }
        return out
    }
}
