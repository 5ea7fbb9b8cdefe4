import JSON
import Testing
@testable import Objects

@Suite("A value of the wrong type anywhere in a Pod is reported at its path")
struct SeededTypeMutationTests {
    /// Every (path, value) in a JSON tree, paths printed as the codec prints them.
    private func nodes(_ value: JSONValue, path: String, into out: inout [String]) {
        out.append(path)
        switch value {
        case .object(let members):
            for m in members { nodes(m.value, path: path.isEmpty ? m.key : path + "." + m.key, into: &out) }
        case .array(let items):
            for (i, item) in items.enumerated() { nodes(item, path: path + "[\(i)]", into: &out) }
        default:
            break
        }
    }

    /// `value` with the node at `target` replaced by `replacement`.
    private func replacing(_ value: JSONValue, path: String, target: String, with replacement: JSONValue) -> JSONValue {
        if path == target { return replacement }
        switch value {
        case .object(let members):
            return .object(members.map { m in
                (key: m.key, value: replacing(m.value, path: path.isEmpty ? m.key : path + "." + m.key, target: target, with: replacement))
            })
        case .array(let items):
            return .array(items.enumerated().map { replacing($1, path: path + "[\($0)]", target: target, with: replacement) })
        default:
            return value
        }
    }

    @Test("seeded replacements", arguments: [11, 12, 13, 14] as [UInt64])
    func mutations(seed: UInt64) throws {
        let original = try JSONParser.parse(try Fixtures.bytes("served/pod-running.json"))
        var paths: [String] = []
        nodes(original, path: "", into: &paths)
        paths.removeAll { $0.isEmpty || $0 == "kind" || $0 == "apiVersion" }
        let replacements: [JSONValue] = [.string("x"), .number("7"), .number("-1.5"), .bool(true), .array([]), .object([]), .null]
        var rng = SplitMix64(state: seed)
        var reported = 0
        for _ in 0..<150 {
            let target = paths[rng.below(paths.count)]
            let replacement = replacements[rng.below(replacements.count)]
            let mutated = replacing(original, path: "", target: target, with: replacement).encoded()
            do {
                _ = try Pod(json: mutated)
            } catch {
                guard let path = Self.path(of: error) else {
                    Issue.record("seed \(seed): replaced \(target): unexpected \(error)")
                    continue
                }
                // The error names the replaced node (or, for an object put where a list of
                // objects was, a member inside it).
                #expect(path == target || path.hasPrefix(target + ".") || path.hasPrefix(target + "["),
                        "seed \(seed): replaced \(target) with \(replacement.typeName), error at \(path)")
                reported += 1
            }
        }
        #expect(reported > 0, "seed \(seed)")
    }

    private static func path(of error: ObjectCodecError) -> String? {
        if case .wrongType(let path, _, _) = error { return path }
        if case .invalidValue(let path, _) = error { return path }
        return nil
    }
}
