import JSON
import Raft
import Wire

extension ClientAPI {
    /// `{"ID","name","peerURLs","clientURLs","isLearner"?}` as etcd's member list shows a member.
    func memberJSON(_ m: MemberConfig, learner: Bool) -> [UInt8] {
        var o = JSONObjectWriter()
        o.int64String("ID", m.id)
        o.string("name", m.name)
        o.raw("peerURLs", Array("[\"http://\(m.peer)\"]".utf8))
        o.raw("clientURLs", Array("[\"http://\(m.client)\"]".utf8))
        o.trueIfSet("isLearner", learner)
        return o.finish()
    }

    /// `POST /v3/cluster/member/add|remove|promote`. Add takes etcd's `peerURLs` and `isLearner`, plus
    /// Tern's `name`, `clientURLs` and `apiURLs`. The new member gets a fresh id (the answer shows it;
    /// `tern server --join --name NAME` looks it up by name).
    func memberChange(_ path: String, body: [UInt8], responder: HTTPResponder, cluster: ClusterConfig) throws(GatewayError) {
        let d = try GatewayDecoder.parse(body, type: "MemberRequest")
        let change: MemberChange
        switch path {
        case "/v3/cluster/member/add":
            guard case .string(let name)? = d.body["name"], !name.isEmpty else {
                throw .invalid("etcdserver: member add needs a \"name\" (a joining member finds its id by name)")
            }
            func address(_ key: String) throws(GatewayError) -> HostPort? {
                guard case .array(let urls)? = d.body[key], case .string(let url)? = urls.first else { return nil }
                guard let hp = HostPort(url: url) else { throw .invalid("etcdserver: bad URL \(url.hasPrefix("http://") ? String(url.dropFirst(7)) : url) in \(key)") }
                return hp
            }
            guard let peer = try address("peerURLs") else { throw .invalid("etcdserver: member add needs peerURLs") }
            let member = MemberConfig(name: name, id: 0,  // the loop picks a fresh id
                                      client: try address("clientURLs") ?? HostPort(host: peer.host, port: 0),
                                      peer: peer, api: try address("apiURLs") ?? HostPort(host: peer.host, port: 0))
            change = .add(member, learner: try d.bool("isLearner"))
        case "/v3/cluster/member/remove":
            change = .remove(try d.uint64("ID"))
        default:
            change = .promote(try d.uint64("ID"))
        }
        loop.submit(.memberChange(change) { [self] result, context in
            switch result {
            case .failure(let error):
                respondError(responder, error)
            case .success(let view):
                var w = JSONObjectWriter()
                w.raw("header", GatewayEncoder.headerWithoutRevision(context))
                if let added = view.added { w.raw("member", memberJSON(added, learner: view.learners.contains(added.id))) }
                w.arrayIfSet("members", view.members.map { memberJSON($0, learner: view.learners.contains($0.id)) })
                respond(responder, 200, w.finish())
            }
        })
    }
}
