#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The clock and the random source the object store uses for `creationTimestamp`,
/// `deletionTimestamp`, `uid` and `generateName`; injected so tests can replay exactly.
public struct StoreEnvironment: Sendable {
    /// The current wall-clock time.
    public var now: @Sendable () -> Timestamp
    /// 64 random bits.
    public var random: @Sendable () -> UInt64

    /// An environment with the given clock and random source.
    public init(now: @escaping @Sendable () -> Timestamp, random: @escaping @Sendable () -> UInt64) {
        self.now = now
        self.random = random
    }

    /// The system's real-time clock and the system random number generator.
    public static let system = StoreEnvironment(now: { StoreEnvironment.wallClock() }, random: {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    })

    /// A fixed clock and a seeded SplitMix64 generator: uids and generated names derive from `seed`.
    public static func seeded(_ seed: UInt64, now: Timestamp = Timestamp(seconds: 1_795_000_000)) -> StoreEnvironment {
        let state = Mutex(seed)
        return StoreEnvironment(now: { now }, random: {
            state.withLock { s -> UInt64 in
                s &+= 0x9E37_79B9_7F4A_7C15
                var z = s
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        })
    }

    /// The real-time clock, to the microsecond.
    public static func wallClock() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), microseconds: Int32(spec.tv_nsec / 1000))
    }

    /// A random UUID (version 4) as Kubernetes writes uids: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    func makeUID() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let a = random(), b = random()
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Five random characters of `[a-z0-9]`, appended to `generateName`.
    func makeNameSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var bits = random()
        var out: [UInt8] = []
        for _ in 0..<5 {
            out.append(alphabet[Int(bits % UInt64(alphabet.count))])
            bits /= UInt64(alphabet.count)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
