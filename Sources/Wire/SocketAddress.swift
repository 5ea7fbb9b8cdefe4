#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 socket address (`host:port`); the only family Tern uses on its wire.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// Dotted-quad host, e.g. "127.0.0.1".
    public let host: String
    /// TCP port; 0 asks the kernel for an ephemeral port when binding.
    public let port: UInt16

    /// Makes an address from a host and a port.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses "host:port" ("localhost" maps to 127.0.0.1).
    /// - Throws: ``WireError/invalidAddress(_:)`` when the text is not an IPv4 `host:port`.
    public init(parsing text: String) throws(WireError) {
        guard let colon = text.lastIndex(of: ":"),
              let port = UInt16(text[text.index(after: colon)...]) else {
            throw .invalidAddress(text)
        }
        var host = String(text[..<colon])
        if host == "localhost" || host.isEmpty { host = "127.0.0.1" }
        self.init(host: host, port: port)
        guard (try? sockaddr()) != nil else { throw .invalidAddress(text) }
    }

    /// "host:port".
    public var description: String { "\(host):\(port)" }

    func sockaddr() throws(WireError) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        let host = self.host == "localhost" ? "127.0.0.1" : self.host
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else {
            throw .invalidAddress(description)
        }
        return addr
    }
}
