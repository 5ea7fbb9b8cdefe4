import Testing
@testable import Objects

@Suite("Every fixture is valid after defaulting, and defaulting is idempotent")
struct FixtureValidationTests {
    /// Fixtures that real Kubernetes rejects too, with the errors it reports.
    static let knownInvalid: [String: [String]] = [
        // The placeholders are not base64 ("illegal base64 data at input byte 20" from the real server).
        "manifests/secret-tls-auth-secret.json": [
            "data[tls.crt]: Invalid value: \"<secret contents redacted>\": illegal base64 data",
            "data[tls.key]: Invalid value: \"<secret contents redacted>\": illegal base64 data",
        ],
    ]

    @Test("defaulted fixtures validate with no errors", arguments: Fixtures.all())
    func fixturesAreValid(fixture: String) throws {
        var object = try KindRegistry.standard.decode(try Fixtures.bytes(fixture))
        if type(of: object).resourceKind.namespaced, object.metadata.namespace.isEmpty {
            object.metadata.namespace = "default"
        }
        let defaulted = Defaulting.applyAny(object)
        let errors = Validation.validate(defaulted)
        #expect(errors.map(\.description) == Self.knownInvalid[fixture, default: []], "\(fixture)")
        // Defaulting twice changes nothing more, and the object still round-trips.
        let twice = Defaulting.applyAny(defaulted)
        #expect(twice.encodeJSON() == defaulted.encodeJSON())
        // An unchanged object is a valid update of itself.
        #expect(Validation.validateUpdate(defaulted, from: defaulted).map(\.description) == Self.knownInvalid[fixture, default: []])
    }
}
