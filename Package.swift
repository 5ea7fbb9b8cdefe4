// swift-tools-version:6.1
// Tern: a Kubernetes-style control plane on its own etcd-equivalent store.
// Layering (arrows point to what a target may import) is in docs/architecture.md.
// The toolchain only: no package dependencies.
import PackageDescription

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
    ],
    targets: [
        // Linux headers Glibc's module lacks: epoll, eventfd, timerfd, accept4.
        .target(name: "CSystem", path: "Sources/CSystem"),

        // The core: pure consensus, storage, keyspace, networking.
        .target(name: "Raft", path: "Sources/Raft"),
        // CRC-32C (slicing-by-16), shared by the WAL's records and MVCC's snapshots and hashes.
        .target(name: "Checksum", path: "Sources/Checksum"),
        .target(name: "WAL", dependencies: ["Raft", "Checksum"], path: "Sources/WAL"),
        .target(name: "MVCC", dependencies: ["Checksum", "JSON"], path: "Sources/MVCC"),
        .target(name: "JSON", path: "Sources/JSON"),
        .target(name: "Wire", dependencies: ["CSystem"], path: "Sources/Wire"),
        .target(name: "Replica", dependencies: ["Raft", "WAL", "MVCC", "Wire", "JSON", "KVClient"], path: "Sources/Replica"),
        .target(name: "Checker", path: "Sources/Checker"),

        // The orchestration layer: clients of the store (see docs/architecture.md).
        // The store's client interface (a protocol) and its HTTP implementation.
        .target(name: "KVClient", dependencies: ["Wire", "JSON"], path: "Sources/KVClient"),
        // Kubernetes-shaped API types, codecs, validation, selectors and the typed object store.
        .target(name: "Objects", dependencies: ["JSON", "KVClient"], path: "Sources/Objects"),
        // A YAML reader (and writer) for manifests, over JSON values.
        .target(name: "YAML", dependencies: ["JSON"], path: "Sources/YAML"),
        // JSON patch, merge patch and strategic merge patch over JSON values.
        .target(name: "Patch", dependencies: ["JSON"], path: "Sources/Patch"),

        // The Kubernetes REST API over the typed object store.
        .target(name: "APIServer", dependencies: ["Objects", "KVClient", "Patch", "YAML", "JSON", "Wire"], path: "Sources/APIServer"),

        // The one binary.
        .executableTarget(name: "tern", dependencies: ["CSystem", "Replica", "WAL", "Wire", "JSON", "MVCC", "APIServer", "Objects", "YAML"], path: "Sources/tern"),

        // Tests, one target per module.
        .testTarget(name: "RaftTests", dependencies: ["Raft", "WAL"], path: "Tests/RaftTests"),
        .testTarget(name: "WALTests", dependencies: ["WAL", "Raft", "Checksum", "TestSupport"], path: "Tests/WALTests"),
        .testTarget(name: "MVCCTests", dependencies: ["MVCC", "Raft", "Checksum", "JSON"], path: "Tests/MVCCTests"),
        .testTarget(name: "WireTests", dependencies: ["Wire", "CSystem", "Raft"], path: "Tests/WireTests"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], path: "Tests/JSONTests"),
        .testTarget(name: "CheckerTests", dependencies: ["Checker", "Raft"], path: "Tests/CheckerTests"),
        // Helpers shared by the test targets that start members and processes.
        .target(name: "TestSupport", dependencies: ["MVCC", "JSON", "Replica", "Wire"], path: "Tests/Support"),
        .testTarget(name: "ReplicaTests", dependencies: ["Replica", "Raft", "TestSupport"], path: "Tests/ReplicaTests"),
        // Starts real `tern` processes (the dependency makes `swift test` build the executable).
        .testTarget(name: "ProcessTests", dependencies: ["tern", "Wire", "JSON", "Replica", "TestSupport"], path: "Tests/ProcessTests",
                    exclude: ["etcd3gw_check.py", "k8s_client_check.py"]),
        // Fault injection against real `tern` processes: peer proxies, kills, crash points, checked histories.
        .testTarget(name: "FaultTests", dependencies: ["tern", "Checker", "Wire", "JSON", "WAL", "TestSupport"], path: "Tests/FaultTests"),

        .testTarget(name: "KVClientTests", dependencies: ["KVClient", "Replica", "TestSupport"], path: "Tests/KVClientTests"),
        .testTarget(name: "ObjectsTests", dependencies: ["Objects", "YAML", "JSON"], path: "Tests/ObjectsTests",
                    exclude: ["Codegen", "Fixtures"]),
        // The typed store, watch cache and informer against in-process members.
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "JSON"], path: "Tests/YAMLTests",
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "APIServerTests", dependencies: ["APIServer", "Objects", "JSON", "Replica", "Wire", "TestSupport"], path: "Tests/APIServerTests"),
        .testTarget(name: "ObjectStoreTests", dependencies: ["Objects", "KVClient", "JSON", "MVCC", "Replica", "Wire", "TestSupport"], path: "Tests/ObjectStoreTests"),
        .testTarget(name: "PatchTests", dependencies: ["Patch", "JSON"], path: "Tests/PatchTests"),

        // Benchmarks: release-build executables that print their figures.
        .executableTarget(name: "raft-bench", dependencies: ["Raft"], path: "Benchmarks/RaftBench"),
        .executableTarget(name: "wal-bench", dependencies: ["WAL", "Raft", "Checksum"], path: "Benchmarks/WALBench"),
        .executableTarget(name: "objects-bench", dependencies: ["Objects", "JSON"], path: "Benchmarks/ObjectsBench"),
        .executableTarget(name: "mvcc-bench", dependencies: ["MVCC"], path: "Benchmarks/MVCCBench"),
        .executableTarget(name: "wire-bench", dependencies: ["Wire", "CSystem"], path: "Benchmarks/WireBench"),
        .executableTarget(name: "tern-bench", dependencies: ["Wire", "JSON"], path: "Benchmarks/TernBench"),
        .executableTarget(name: "kvclient-bench", dependencies: ["KVClient", "Replica", "Wire", "JSON"], path: "Benchmarks/KVClientBench"),
        .executableTarget(name: "patch-bench", dependencies: ["Patch", "JSON"], path: "Benchmarks/PatchBench"),
        .executableTarget(name: "yaml-bench", dependencies: ["YAML", "JSON", "Objects"], path: "Benchmarks/YAMLBench"),
        .executableTarget(name: "objectstore-bench", dependencies: ["Objects", "KVClient", "JSON"], path: "Benchmarks/ObjectStoreBench"),
    ],
    swiftLanguageModes: [.v6]
)
