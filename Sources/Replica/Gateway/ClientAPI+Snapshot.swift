import JSON
import MVCC
import Wire
#if canImport(Glibc)
import Glibc
#endif

extension ClientAPI {
    /// `POST /v3/maintenance/snapshot`: streams a consistent image of the keyspace (taken at one
    /// revision from an O(1) copy) as `{"result":{"header":..,"remaining_bytes":"N","blob":"<base64>"}}`
    /// lines, as etcd does; `tern server --restore FILE` starts a new cluster from the saved bytes.
    func snapshot(_ responder: HTTPResponder) {
        loop.submit(.query { view in
            let state = view.keyspace.frozen()
            let header = GatewayEncoder.header(view.keyspace.currentRevision, view.header)
            // Serialize and stream off the loop thread.
            SnapshotStreamer.start(state: state, header: header, responder: responder)
        })
    }
}

/// Writes a keyspace image to a response in base64 chunks, on its own thread, honouring back-pressure.
enum SnapshotStreamer {
    static let chunkBytes = 256 << 10

    static func start(state: KeyspaceState, header: [UInt8], responder: HTTPResponder) {
        let started = try? DedicatedThread(name: "snapshot-stream") {
            let image = state.encodeSnapshot()
            _ = responder.writeHead(status: 200, headers: GatewayHeaders.streaming)
            var offset = 0
            repeat {
                let end = min(offset + chunkBytes, image.count)
                var w = JSONObjectWriter(capacity: (end - offset) * 4 / 3 + 256)
                w.raw("header", header)
                w.int64StringIfSet("remaining_bytes", image.count - end)
                var blob: [UInt8] = [0x22]
                Base64.encode(Array(image[offset..<end]), into: &blob)
                blob.append(0x22)
                w.raw("blob", blob)
                var line = Array(#"{"result":"#.utf8)
                line += w.finish()
                line += Array("}\n".utf8)
                var result = responder.writeBody(line)
                while result == .full {
                    usleep(2_000)
                    result = responder.bufferedBytes > (1 << 20) ? .full : .accepted
                }
                if result == .closed { return }
                offset = end
            } while offset < image.count
            responder.end()
        }
        if started == nil {
            _ = responder.respond(status: 503, headers: GatewayHeaders.json, body: GatewayError.stopping.body)
        }
    }
}
