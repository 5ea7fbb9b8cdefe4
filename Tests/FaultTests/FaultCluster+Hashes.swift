import TestSupport
#if canImport(Glibc)
import Glibc
#endif

extension FaultCluster {
    /// C4: `/v3/maintenance/hashkv` at `revision` on each of `members`, retried until every one answers
    /// with the same hash and compact revision or `seconds` pass. Returns the problem, if any.
    func hashesAgree(_ members: [String], at revision: Int64, within seconds: Double) -> [String] {
        let deadline = monotonicSeconds() + seconds
        var last: [String: String] = [:]
        while monotonicSeconds() < deadline {
            last = [:]
            for name in members {
                if let (status, json) = try? post(name, "/v3/maintenance/hashkv", #"{"revision":"\#(revision)"}"#, timeoutSeconds: 2), status == 200 {
                    last[name] = "\(json["hash"]?.int64Text ?? "?")/compact=\(json["compact_revision"]?.int64Text ?? "0")"
                }
            }
            if last.count == members.count && Set(last.values).count == 1 { return [] }
            usleep(300_000)  // (`pause` here would be the member's SIGSTOP)
        }
        return ["C4: keyspace hashes at revision \(revision) differ or are missing after \(Int(seconds)) s: \(members.map { "\($0)=\(last[$0] ?? "none")" }.joined(separator: " "))"]
    }
}
