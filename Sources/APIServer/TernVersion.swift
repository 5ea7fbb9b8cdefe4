import JSON

/// Tern's version, and the Kubernetes minor version whose API (as kubectl 1.27–1.33 and the Python
/// client use it; see docs/api.md) the API server speaks.
public enum TernVersion {
    public static let string = "0.2.0"
    /// Kubernetes 1.31: kubectl 1.31 sends JSON (not protobuf) for `kubectl create configmap|secret|...`.
    public static let kubernetesMinor = "31"

    /// The `/version` document (Kubernetes' `version.Info`); `gitVersion` says it is Tern.
    public static var info: JSONValue {
        .object([
            ("major", .string("1")), ("minor", .string(kubernetesMinor)),
            ("gitVersion", .string("v1.\(kubernetesMinor).0-tern.\(string)")),
            ("gitCommit", .string("")), ("gitTreeState", .string("clean")), ("buildDate", .string("")),
            ("goVersion", .string("")), ("compiler", .string("swift")), ("platform", .string(platform)),
        ])
    }
}

extension TernVersion {
    static var platform: String {
        #if arch(arm64)
        return "linux/arm64"
        #else
        return "linux/amd64"
        #endif
    }
}
