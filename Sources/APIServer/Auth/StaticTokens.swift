/// Who made a request, as far as authentication tells.
public struct APIUser: Equatable, Sendable {
    public var name: String
    public var uid: String
    public var groups: [String]

    public init(name: String, uid: String = "", groups: [String] = []) {
        self.name = name
        self.uid = uid
        self.groups = groups
    }

    public static let anonymous = APIUser(name: "system:anonymous", groups: ["system:unauthenticated"])
}

/// Why a token file could not be used.
public enum TokenFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedLine(line: Int, reason: String)
    case duplicateToken(line: Int)
    case empty

    public var description: String {
        switch self {
        case .malformedLine(let line, let reason): return "token file line \(line): \(reason)"
        case .duplicateToken(let line): return "token file line \(line): duplicate token"
        case .empty: return "token file has no tokens"
        }
    }
}

/// Bearer tokens from a static token file in Kubernetes' format: one `token,user,uid[,"group1,group2"]`
/// per line; blank lines and lines starting with `#` are ignored.
public struct StaticTokens: Equatable, Sendable {
    public private(set) var users: [String: APIUser] = [:]
    /// The first token of the file (what `tern up` writes into the kubeconfig).
    public private(set) var firstToken: String = ""

    public init(parsing text: String) throws(TokenFileError) {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = Self.csvFields(line)
            guard fields.count >= 3, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw .malformedLine(line: index + 1, reason: "expected token,user,uid[,\"group,...\"]")
            }
            guard users[fields[0]] == nil else { throw .duplicateToken(line: index + 1) }
            let groups = fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : []
            users[fields[0]] = APIUser(name: fields[1], uid: fields[2], groups: groups)
            if firstToken.isEmpty { firstToken = fields[0] }
        }
        if users.isEmpty { throw .empty }
    }

    /// The user of an `Authorization: Bearer <token>` header value, or nil.
    public func authenticate(authorization: String?) -> APIUser? {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return nil }
        let token = authorization.dropFirst("Bearer ".count).trimmingCharacters(in: " ")
        return users[token]
    }

    /// Splits one CSV line; double quotes group a field that contains commas.
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for ch in line {
            if ch == "\"" {
                quoted.toggle()
            } else if ch == ",", !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        fields.append(current)
        return fields
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(in: set) }
}
