import Testing

// Placeholder: delete once this target has real tests.
@Test func placeholder() { #expect(Bool(true)) }
