import Testing
@testable import Raft

@Test func hardStateStartsEmpty() { #expect(HardState().isEmpty) }
