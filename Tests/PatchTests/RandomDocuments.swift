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

/// Random strategic merge patches mixing fields, keyed lists and (valid or broken) directives.
enum RandomStrategicPatches {
    static let names = ["nginx", "sidecar", "new"]
    static let directiveValues: [JSONValue] = [.string("replace"), .string("merge"), .string("delete"), .string("bogus"), .number("1")]

    static func container(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if Int.random(in: 0..<6, using: &rng) != 0 {
            members.append((key: "name", value: .string(names.randomElement(using: &rng) ?? "x")))
        }
        if Bool.random(using: &rng) { members.append((key: "image", value: .string("img"))) }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            members.append((key: "$patch", value: directiveValues.randomElement(using: &rng) ?? .null))
        }
        if depth > 0 && Bool.random(using: &rng) {
            let env = (0..<Int.random(in: 0...2, using: &rng)).map { i in
                JSONValue.object([(key: "name", value: .string("E\(i)")), (key: "value", value: .string("v"))])
            }
            members.append((key: "env", value: .array(env)))
        }
        if Int.random(in: 0..<5, using: &rng) == 0 { members.append((key: "ports", value: .null)) }
        return .object(members)
    }

    /// A patch for a Deployment's pod spec or metadata.
    static func patch(_ rng: inout SeededGenerator) -> JSONValue {
        var spec: [(key: String, value: JSONValue)] = []
        let containers = (0..<Int.random(in: 0...3, using: &rng)).map { _ in container(&rng, depth: 1) }
        spec.append((key: "containers", value: .array(containers)))
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            spec.append((key: "$setElementOrder/containers",
                         value: .array(names.shuffled(using: &rng).map { .object([(key: "name", value: .string($0))]) })))
        case 1:
            spec.append((key: "$retainKeys", value: .array([.string("containers"), .string("volumes")])))
        case 2:
            spec.append((key: "$patch", value: directiveValues.randomElement(using: &rng) ?? .null))
        case 3:
            spec.append((key: "tolerations", value: .array([.object([(key: "key", value: .string("k"))])])))
        default:
            break
        }
        var metadata: [(key: String, value: JSONValue)] = [(key: "finalizers", value: .array([.string("b")]))]
        if Bool.random(using: &rng) {
            metadata.append((key: "$deleteFromPrimitiveList/finalizers", value: .array([.string("a")])))
        }
        return .object([
            (key: "metadata", value: .object(metadata)),
            (key: "spec", value: .object([(key: "template", value: .object([(key: "spec", value: .object(spec))]))])),
        ])
    }

    /// Whether any object member anywhere in `value` starts with `$`.
    static func containsDirective(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): return members.contains { $0.key.hasPrefix("$") || containsDirective($0.value) }
        case .array(let items): return items.contains { containsDirective($0) }
        default: return false
        }
    }
}

/// Random applied configurations for a Deployment, drawn from small pools so managers overlap.
enum RandomConfigurations {
    static func configuration(_ rng: inout SeededGenerator) -> JSONValue {
        var metadata: [(key: String, value: JSONValue)] = [(key: "name", value: .string("web"))]
        let labels = ["app", "tier", "team"].filter { _ in Bool.random(using: &rng) }
        if !labels.isEmpty {
            metadata.append((key: "labels", value: .object(labels.map { (key: $0, value: .string(["a", "b"].randomElement(using: &rng) ?? "a")) })))
        }
        let finalizers = ["f1", "f2", "f3"].filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
        if !finalizers.isEmpty { metadata.append((key: "finalizers", value: .array(finalizers.map { .string($0) }))) }
        var spec: [(key: String, value: JSONValue)] = []
        if Bool.random(using: &rng) { spec.append((key: "replicas", value: .number(String(Int.random(in: 1...3, using: &rng))))) }
        let containers = ["nginx", "sidecar", "log"].filter { _ in Bool.random(using: &rng) }.map { name -> JSONValue in
            var members: [(key: String, value: JSONValue)] = [(key: "name", value: .string(name))]
            if Bool.random(using: &rng) { members.append((key: "image", value: .string("\(name):\(Int.random(in: 1...2, using: &rng))"))) }
            return .object(members)
        }
        if !containers.isEmpty {
            spec.append((key: "template", value: .object([(key: "spec", value: .object([(key: "containers", value: .array(containers))]))])))
        }
        var config: [(key: String, value: JSONValue)] = [(key: "apiVersion", value: .string("apps/v1")), (key: "kind", value: .string("Deployment")),
                                                        (key: "metadata", value: .object(metadata))]
        if !spec.isEmpty { config.append((key: "spec", value: .object(spec))) }
        return .object(config)
    }
}
