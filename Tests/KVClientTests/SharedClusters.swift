import Testing
@_exported import TestSupport
import KVClient
import Replica
import Wire

/// Which client, against which cluster, a shared behaviour test runs on.
enum Target: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// In-process client of a one-member cluster.
    case local1
    /// In-process client of a follower of a three-member cluster.
    case localFollower
    /// HTTP client of a one-member cluster.
    case http1
    /// HTTP client of a follower of a three-member cluster.
    case httpFollower

    var testDescription: String { rawValue }
    var isThreeMembers: Bool { self == .localFollower || self == .httpFollower }
    var isHTTP: Bool { self == .http1 || self == .httpFollower }
}

/// A one-member and a three-member cluster shared by the tests of a suite (``SharedClustersTrait``).
final class SharedClusters: Sendable {
    let single: MemberCluster
    let three: MemberCluster
    let singleHTTP: HTTPKVClient
    let followerHTTP: HTTPKVClient
    let leaderHTTP: HTTPKVClient

    init() throws {
        single = try MemberCluster(size: 1)
        do {
            three = try MemberCluster(size: 3)
        } catch {
            single.shutdown()
            throw error
        }
        singleHTTP = HTTPKVClient(addresses: [single.address(single.leader)])
        followerHTTP = HTTPKVClient(addresses: [three.address(three.follower)])
        leaderHTTP = HTTPKVClient(addresses: [three.address(three.leader)])
    }

    @TaskLocal static var current: SharedClusters?

    static func shared() throws -> SharedClusters {
        try #require(current, "the suite needs the .sharedClusters trait")
    }

    /// The cluster a target runs on.
    func cluster(_ target: Target) -> MemberCluster {
        target.isThreeMembers ? three : single
    }

    /// The client a target tests.
    func client(_ target: Target) -> any KVClient {
        switch target {
        case .local1: return single.member(single.leader).kv
        case .localFollower: return three.member(three.follower).kv
        case .http1: return singleHTTP
        case .httpFollower: return followerHTTP
        }
    }

    /// A client of the three-member cluster's leader of the same kind as `target`'s.
    func leaderClient(like target: Target) -> any KVClient {
        target.isHTTP ? leaderHTTP : three.member(three.leader).kv
    }

    func shutdown() {
        for client in [singleHTTP, followerHTTP, leaderHTTP] { client.close() }
        single.shutdown()
        three.shutdown()
    }
}

/// Starts the shared clusters before the suite's tests and stops them after.
struct SharedClustersTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let clusters = try await offPool { try SharedClusters() }
        do {
            try await SharedClusters.$current.withValue(clusters) { try await function() }
        } catch {
            await offPool { clusters.shutdown() }
            throw error
        }
        await offPool { clusters.shutdown() }
    }
}

extension Trait where Self == SharedClustersTrait {
    /// A one-member and a three-member cluster for all tests of the suite.
    static var sharedClusters: SharedClustersTrait { SharedClustersTrait() }
}
