import Testing
@testable import Wire

@Suite(.serialized, .timeLimit(.minutes(1)))
struct HTTPServerFuzzTests {
    /// 300 mutated requests over real connections (some reset halfway): each gets a response or a
    /// close, and a well-behaved client is still served at the end.
    @Test(arguments: [UInt64(42)])
    func liveServerSurvivesMutatedTraffic(seed: UInt64) throws {
        let server = try TestServer(configure: { $0.headerTimeoutNanoseconds = 300_000_000 }, handler: echoHandler)
        defer { server.stop() }
        var rng = SeededGenerator(seed: seed)
        var answered = 0
        for iteration in 0..<300 {
            let base = FuzzTests.httpCorpus[Int.random(in: 0..<FuzzTests.httpCorpus.count, using: &rng)]
            let input = mutate(base, tokens: FuzzTests.httpTokens, using: &rng)
            let socket = try server.rawSocket(timeoutNanoseconds: 2_000_000_000)
            if iteration % 10 == 0 {
                try? socket.write(Array(input.prefix(input.count / 2)))
                socket.reset()
                continue
            }
            try? socket.write(input)
            socket.shutdownWrite()
            // Read until the server closes; whatever comes must start like an HTTP response.
            var received: [UInt8] = []
            while let piece = try? socket.readSome(), !piece.isEmpty { received += piece }
            if !received.isEmpty {
                #expect(received.starts(with: bytes("HTTP/1.1 ")), "seed \(seed) iteration \(iteration)")
                answered += 1
            }
            socket.close()
        }
        #expect(answered > 100)
        #expect(try server.client().request(method: "GET", path: "/still-alive").status == 200)
        #expect(waitUntil { server.server.connectionCount == 0 })
    }
}
