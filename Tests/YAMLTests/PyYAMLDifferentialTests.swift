import Foundation
import JSON
import Testing
import YAML

/// Fixtures/pyyaml-cases.json: 800 random values written by PyYAML in block, flow, canonical, folded-width
/// every quoting style, CRLF line ends and anchors for shared nodes, with the value PyYAML reads back (see generate_pyyaml_cases.py).
@Suite("YAML reader against PyYAML's own output")
struct PyYAMLDifferentialTests {
    struct Case {
        var yaml: String
        var value: JSONValue
    }

    static func cases() throws -> [Case] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/pyyaml-cases.json")
        guard case .array(let items) = try JSONParser.parse([UInt8](try Data(contentsOf: url))) else { return [] }
        return items.compactMap { item in
            guard case .string(let yaml)? = item["yaml"], let value = item["value"] else { return nil }
            return Case(yaml: yaml, value: value)
        }
    }

    @Test("every case reads as PyYAML reads it")
    func differential() throws {
        let cases = try Self.cases()
        #expect(cases.count == 800)
        for (index, c) in cases.enumerated() {
            do {
                let got = try YAMLReader.parseDocuments(c.yaml)
                #expect(got.count == 1 && ManifestFixtures.sameValue(got[0], c.value),
                        "case \(index):\n\(c.yaml)\ngot \(got.map { String(decoding: $0.encoded(), as: UTF8.self) })\nwant \(String(decoding: c.value.encoded(), as: UTF8.self))")
            } catch {
                Issue.record("case \(index): \(error)\n\(c.yaml)")
            }
        }
    }
}
