import TestSupport
/// What a ``PeerProxy`` does to the frames of its one direction.
enum LinkFault: Sendable, Equatable, CustomStringConvertible {
    /// Forward everything.
    case pass
    /// Keep the connection, swallow every byte (a silent network partition).
    case blackhole
    /// Hold each frame this long before forwarding it (order kept).
    case delay(milliseconds: Int)
    /// Drop this percentage of message frames.
    case drop(percent: Int)
    /// Send this percentage of message frames twice. Frames carrying a forwarded proposal (Raft `propose`)
    /// are duplicated only when `proposals` is true: see docs/reliability.md, "Findings".
    case duplicate(percent: Int, proposals: Bool = false)
    /// Hold this percentage of message frames back until the next frame has gone.
    case reorder(percent: Int)

    var description: String {
        switch self {
        case .pass: "pass"
        case .blackhole: "blackhole"
        case .delay(let ms): "delay \(ms)ms"
        case .drop(let p): "drop \(p)%"
        case .duplicate(let p, let proposals): "duplicate \(p)%" + (proposals ? " (proposals too)" : "")
        case .reorder(let p): "reorder \(p)%"
        }
    }
}
