import TestSupport
import JSON
import Wire
#if canImport(Glibc)
import Glibc
#endif

/// `POST /v3/maintenance/snapshot` on one member, read to the end: the keyspace image (what
/// `tern kv snapshot save` writes) and the revision in the stream's header, which is the revision the
/// image was taken at (the member freezes its keyspace and reads the header in one loop turn).
struct SnapshotDownload {
    var image: [UInt8]
    var revision: Int64
    var member: String

    /// Downloads a snapshot from `member`; throws when the stream is refused, ends early or does not decode.
    init(from member: String, of cluster: FaultCluster, timeoutSeconds: Double = 20) throws {
        let http = HTTPClient(address: SocketAddress(host: "127.0.0.1", port: cluster.clientPort(member)),
                              timeoutNanoseconds: UInt64(timeoutSeconds * 1e9))
        defer { http.close() }
        try http.startStreamingRequest(method: "POST", path: "/v3/maintenance/snapshot")
        try http.finishBody()
        let head = try http.readResponseHead()
        guard head.status == 200 else { throw TestFailure("snapshot from \(member): HTTP \(head.status)") }
        var image: [UInt8] = []
        var revision: Int64 = 0
        var complete = false
        while let line = try http.readBodyLine() {
            if line.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) { continue }
            guard let json = try? JSONParser.parse(line), let result = json["result"] else {
                throw TestFailure("snapshot from \(member): undecodable line \(String(decoding: line.prefix(120), as: UTF8.self))")
            }
            guard cluster.isOurs(json) else { throw TestFailure("snapshot from \(member): answered by another cluster") }
            guard case .string(let blob)? = result["blob"], let bytes = Base64.decode(Array(blob.utf8)) else {
                throw TestFailure("snapshot from \(member): a line without a decodable blob")
            }
            if revision == 0 { revision = KVCalls.revision(result) ?? 0 }
            image += bytes
            if result["remaining_bytes"] == nil { complete = true; break }
        }
        guard complete else { throw TestFailure("snapshot from \(member): the stream ended early (\(image.count) bytes)") }
        guard revision > 0 else { throw TestFailure("snapshot from \(member): no header revision") }
        self.image = image
        self.revision = revision
        self.member = member
    }

    /// Writes the image to `path` (fsynced), as `tern kv snapshot save` would.
    func save(to path: String) throws {
        guard let f = fopen(path, "w") else { throw TestFailure("cannot write \(path)") }
        defer { fclose(f) }
        let written = image.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fflush(f)
        fsync(fileno(f))
        guard written == image.count else { throw TestFailure("short write to \(path)") }
    }
}
