import JSON
import Testing
@testable import Objects

@Suite("Round trips of every fixture through its kind's codec")
struct RoundTripTests {
    @Test("decode → encode equals the input as a JSON value", arguments: Fixtures.all())
    func encodedEqualsInput(fixture: String) throws {
        let input = try Fixtures.bytes(fixture)
        let object = try KindRegistry.standard.decode(input)
        let output = object.encodeJSON()
        let expected = JSONNormal.normalize(try JSONParser.parse(input))
        let actual = JSONNormal.normalize(try JSONParser.parse(output))
        let difference = JSONNormal.firstDifference(expected, actual)
        #expect(difference == nil, "\(fixture): \(difference ?? "")")
    }

    @Test("decode → encode → decode is equal", arguments: Fixtures.all())
    func decodeEncodeDecode(fixture: String) throws {
        let input = try Fixtures.bytes(fixture)
        let first = try KindRegistry.standard.decode(input)
        let second = try KindRegistry.standard.decode(first.encodeJSON())
        #expect(equal(first, second), "\(fixture)")
        // Encoding is deterministic: the second encoding is byte-identical.
        #expect(first.encodeJSON() == second.encodeJSON())
    }

    private func equal(_ a: any APIObject, _ b: any APIObject) -> Bool {
        func open<T: APIObject>(_ x: T) -> Bool { (b as? T) == x }
        return open(a)
    }

    @Test("every kind has at least one fixture")
    func everyKindCovered() throws {
        var seen: Set<String> = []
        for fixture in Fixtures.all() {
            let header = try KindRegistry.typeMembers(try Fixtures.bytes(fixture))
            seen.insert(header.kind)
        }
        let missing = KindRegistry.standard.kinds.map(\.resourceKind.kind).filter { !seen.contains($0) }
        #expect(missing == [])
    }
}
