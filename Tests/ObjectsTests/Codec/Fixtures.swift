import Foundation
import JSON
@testable import Objects

/// The JSON fixtures committed under Tests/ObjectsTests/Fixtures (manifests converted once from
/// /work/shared/manifests, and objects as an API server serves them).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every fixture's path relative to the Fixtures directory, sorted.
    static func all() -> [String] {
        var names: [String] = []
        for sub in ["manifests", "served"] {
            let dir = directory.appendingPathComponent(sub)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            names += files.filter { $0.hasSuffix(".json") }.map { sub + "/" + $0 }
        }
        return names.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// JSON values compared as Kubernetes compares them: object members in any order, and members
/// whose value is `null` or `{}` the same as absent (Go writes empty structs as `{}` and reads
/// `null` as the zero value).
enum JSONNormal {
    static func normalize(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            let kept = members
                .map { (key: $0.key, value: normalize($0.value)) }
                .filter { $0.value != .null && $0.value != .object([]) }
                .sorted { $0.key < $1.key }
            return .object(kept)
        case .array(let items):
            return .array(items.map(normalize))
        default:
            return value
        }
    }

    /// The first path at which two normalized values differ, for failure messages.
    static func firstDifference(_ a: JSONValue, _ b: JSONValue, path: String = "") -> String? {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            let keys = Set(x.map(\.key)).union(y.map(\.key)).sorted()
            for k in keys {
                let va = x.first { $0.key == k }?.value
                let vb = y.first { $0.key == k }?.value
                guard let va, let vb else { return "\(path).\(k): present on one side only" }
                if let d = firstDifference(va, vb, path: path + "." + k) { return d }
            }
            return nil
        case (.array(let x), .array(let y)):
            if x.count != y.count { return "\(path): \(x.count) vs \(y.count) items" }
            for (i, pair) in zip(x, y).enumerated() {
                if let d = firstDifference(pair.0, pair.1, path: path + "[\(i)]") { return d }
            }
            return nil
        case (.number(let n), .string(let s)) where isQuantityPath(path) && n == s:
            // A YAML `cpu: 2` arrives as a number; quantities are written as strings, as Kubernetes does.
            return nil
        default:
            return a == b ? nil : "\(path): \(String(decoding: a.encoded(), as: UTF8.self)) vs \(String(decoding: b.encoded(), as: UTF8.self))"
        }
    }

    private static func isQuantityPath(_ path: String) -> Bool {
        ["limits", "requests", "capacity", "allocatable"].contains { path.contains("." + $0 + ".") }
    }
}
