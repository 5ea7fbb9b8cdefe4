import Testing
import Synchronization
import Wire
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized, .timeLimit(.minutes(1)))
struct BlockingSocketTests {
    /// A connect that fails must close its descriptor exactly once. (It used to close it again in
    /// the deinitializer that runs when an initializer throws, closing whatever socket another
    /// thread had opened with the same number in between.)
    @Test func failedConnectsNeverCloseAnotherThreadsDescriptor() throws {
        // A port nobody listens on: bind one, then close it.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        Glibc.close(probe)

        // Another thread keeps opening pipes, using them and closing them: a stray close of one of
        // its descriptors shows up as a failed write or read.
        let churn = PipeChurn()
        var thread = pthread_t()
        let box = Unmanaged.passRetained(churn)
        pthread_create(&thread, nil, { raw in
            let churn = Unmanaged<PipeChurn>.fromOpaque(raw!).takeRetainedValue()
            churn.run()
            return nil
        }, box.toOpaque())
        var failures = 0
        for _ in 0..<3000 {
            do {
                _ = try BlockingSocket(connectingTo: SocketAddress(host: "127.0.0.1", port: port), timeoutNanoseconds: 1_000_000_000)
            } catch {
                failures += 1
            }
        }
        churn.stop.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        #expect(failures == 3000)
        #expect(churn.rounds.load(ordering: .relaxed) > 0)
        #expect(churn.broken.load(ordering: .relaxed) == 0, "another thread's descriptors were closed under it")
    }
}

/// Opens, uses and closes pipes until told to stop, counting operations that fail.
final class PipeChurn: Sendable {
    let stop = Atomic<Bool>(false)
    let broken = Atomic<Int>(0)
    let rounds = Atomic<Int>(0)

    func run() {
        var fds: [Int32] = [0, 0]
        var byte: UInt8 = 7
        while !stop.load(ordering: .relaxed) {
            guard pipe(&fds) == 0 else { continue }
            // Non-blocking: a descriptor closed under this thread fails instead of hanging the test.
            _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
            _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
            for _ in 0..<20 {
                if write(fds[1], &byte, 1) != 1 || read(fds[0], &byte, 1) != 1 { broken.add(1, ordering: .relaxed) }
            }
            Glibc.close(fds[0])
            Glibc.close(fds[1])
            rounds.add(1, ordering: .relaxed)
        }
    }
}
