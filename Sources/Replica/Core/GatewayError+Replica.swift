extension GatewayError {
    /// A proposal skipped at apply time because its id was already applied (see ``ProposalLedger``):
    /// it changed nothing, so the client may retry.
    static let notApplied = GatewayError(httpStatus: 503, grpcCode: 14, message: "etcdserver: request dropped as a duplicate; not applied, retry")
    static let leaderChanged = GatewayError(httpStatus: 503, grpcCode: 14, message: "etcdserver: leader changed")
    static let memberNameExists = GatewayError(httpStatus: 412, grpcCode: 9, message: "etcdserver: a member with this name already exists")
    static let peerURLExists = GatewayError(httpStatus: 412, grpcCode: 9, message: "etcdserver: Peer URLs already exists")
    static let memberNotFound = GatewayError(httpStatus: 404, grpcCode: 5, message: "etcdserver: member not found")
    static let memberNotLearner = GatewayError(httpStatus: 412, grpcCode: 9, message: "etcdserver: can only promote a learner member")
    static let learnerNotReady = GatewayError(httpStatus: 412, grpcCode: 9,
                                              message: "etcdserver: can only promote a learner member which is in sync with leader")
    static let memberChangePending = GatewayError(httpStatus: 503, grpcCode: 14,
                                                  message: "etcdserver: unhealthy cluster (a membership change is still in progress)")
}
