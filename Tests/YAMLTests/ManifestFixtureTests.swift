import Foundation
import JSON
import Testing
import YAML

/// The Kubernetes example manifests in Fixtures/manifests, each beside the JSON that PyYAML 6.0.3
/// gives for it (`yaml.load_all` with timestamps left as strings, null documents dropped).
enum ManifestFixtures {
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/manifests")
    }

    /// Every fixture's path relative to `root`, sorted.
    static let names: [String] = {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var names: [String] = []
        while let path = walker.nextObject() as? String {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { names.append(path) }
        }
        return names.sorted()
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(name)))
    }

    /// Equality where numbers compare by value (PyYAML prints `1.0` where the text said `1.`).
    static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y || (Double(x) != nil && Double(x) == Double(y))
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && sameValue($0.value, $1.value) }
        default: return a == b
        }
    }
}

@Suite("YAML reader against Kubernetes manifests")
struct ManifestFixtureTests {
    @Test("there are fixtures (a broken resource copy would make the other tests vacuous)")
    func fixturesExist() {
        #expect(ManifestFixtures.names.count >= 106)
    }

    @Test("each manifest parses to what PyYAML gives", arguments: ManifestFixtures.names)
    func manifestMatchesPyYAML(name: String) throws {
        let yaml = try ManifestFixtures.bytes(name)
        let expectedText = try ManifestFixtures.bytes(String(name.dropLast(name.hasSuffix(".yml") ? 4 : 5)) + ".json")
        guard case .array(let expected) = try JSONParser.parse(expectedText) else {
            Issue.record("expected JSON for \(name) is not an array")
            return
        }
        let documents = try YAMLReader.parseDocuments(yaml)
        #expect(documents.count == expected.count, "\(name): document count")
        for (index, (got, want)) in zip(documents, expected).enumerated() {
            #expect(ManifestFixtures.sameValue(got, want), "\(name) document \(index):\n\(String(decoding: got.encoded(), as: UTF8.self))\nwant\n\(String(decoding: want.encoded(), as: UTF8.self))")
        }
    }

    @Test("each manifest also parses from a String, and as JSON text (JSON is YAML)", arguments: ManifestFixtures.names)
    func manifestAsJSONText(name: String) throws {
        let yaml = try ManifestFixtures.bytes(name)
        let documents = try YAMLReader.parseDocuments(yaml)
        #expect(try YAMLReader.parseDocuments(String(decoding: yaml, as: UTF8.self)) == documents)
        for document in documents {
            let json = document.encoded()
            #expect(try YAMLReader.parseDocuments(json) == [document], "\(name): its JSON form read back differently")
        }
    }
}
