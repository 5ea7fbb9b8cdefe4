import JSON

/// Why a pointer does not resolve in a document (turned into a `PatchError` with the operation's
/// index by the caller).
enum PointerFailure: Error, Equatable {
    case missing(String)
}

extension JSONValue {
    /// The value the pointer names, or a failure saying which token did not resolve.
    func value(at pointer: JSONPointer) throws(PointerFailure) -> JSONValue {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let members):
                guard let i = ObjectMembers.lastIndex(of: token, in: members) else {
                    throw .missing("missing value")
                }
                current = members[i].value
            case .array(let items):
                let index = try Self.existingIndex(token, count: items.count)
                current = items[index]
            default:
                throw .missing("cannot descend into a \(current.typeName)")
            }
        }
        return current
    }

    /// Adds `newValue` at `pointer` with RFC 6902 `add` semantics: an object member is created or
    /// replaced, an array element is inserted (or appended for `-`); the root is replaced.
    mutating func add(_ newValue: JSONValue, at pointer: JSONPointer) throws(PointerFailure) {
        guard let last = pointer.tokens.last else {
            self = newValue
            return
        }
        try withContainer(at: pointer.tokens.dropLast()) { (container: inout JSONValue) throws(PointerFailure) in
            switch container {
            case .object(var members):
                container = .null
                ObjectMembers.set(last, to: newValue, in: &members)
                container = .object(members)
            case .array(var items):
                let index: Int
                if last == "-" {
                    index = items.count
                } else {
                    guard let parsed = Self.arrayIndex(last), parsed <= items.count else {
                        throw .missing("index \(last) is out of bounds for an array of \(items.count)")
                    }
                    index = parsed
                }
                container = .null
                items.insert(newValue, at: index)
                container = .array(items)
            default:
                throw .missing("cannot add a member to a \(container.typeName)")
            }
        }
    }

    /// Removes and returns the value at `pointer`; the root cannot be removed.
    @discardableResult
    mutating func remove(at pointer: JSONPointer) throws(PointerFailure) -> JSONValue {
        guard let last = pointer.tokens.last else { throw .missing("cannot remove the whole document") }
        var removed = JSONValue.null
        try withContainer(at: pointer.tokens.dropLast()) { (container: inout JSONValue) throws(PointerFailure) in
            switch container {
            case .object(var members):
                guard let i = ObjectMembers.lastIndex(of: last, in: members) else { throw .missing("missing value") }
                container = .null
                removed = members[i].value
                members.removeAll { $0.key == last }
                container = .object(members)
            case .array(var items):
                let index = try Self.existingIndex(last, count: items.count)
                container = .null
                removed = items.remove(at: index)
                container = .array(items)
            default:
                throw .missing("cannot remove from a \(container.typeName)")
            }
        }
        return removed
    }

    /// Replaces the existing value at `pointer` (which must exist).
    mutating func replace(with newValue: JSONValue, at pointer: JSONPointer) throws(PointerFailure) {
        guard let last = pointer.tokens.last else {
            self = newValue
            return
        }
        try withContainer(at: pointer.tokens.dropLast()) { (container: inout JSONValue) throws(PointerFailure) in
            switch container {
            case .object(var members):
                guard let i = ObjectMembers.lastIndex(of: last, in: members) else { throw .missing("missing value") }
                container = .null
                members[i].value = newValue
                container = .object(members)
            case .array(var items):
                let index = try Self.existingIndex(last, count: items.count)
                container = .null
                items[index] = newValue
                container = .array(items)
            default:
                throw .missing("cannot replace inside a \(container.typeName)")
            }
        }
    }

    /// Runs `body` on the container the tokens lead to, writing it back in place. The payloads are
    /// detached while `body` runs so that arrays and member lists stay uniquely referenced (no
    /// copy per level). On a throw `self` is left partly detached: callers work on a scratch copy.
    private mutating func withContainer(
        at tokens: ArraySlice<String>, _ body: (inout JSONValue) throws(PointerFailure) -> Void
    ) throws(PointerFailure) {
        guard let token = tokens.first else {
            try body(&self)
            return
        }
        switch self {
        case .object(var members):
            guard let i = ObjectMembers.lastIndex(of: token, in: members) else { throw .missing("missing value") }
            self = .null
            var child = members[i].value
            members[i].value = .null
            try child.withContainer(at: tokens.dropFirst(), body)
            members[i].value = child
            self = .object(members)
        case .array(var items):
            let index = try Self.existingIndex(token, count: items.count)
            self = .null
            var child = items[index]
            items[index] = .null
            try child.withContainer(at: tokens.dropFirst(), body)
            items[index] = child
            self = .array(items)
        default:
            throw .missing("cannot descend into a \(typeName)")
        }
    }

    /// An RFC 6901 array index: decimal digits without a leading zero (except `0` itself).
    static func arrayIndex(_ token: String) -> Int? {
        let utf8 = token.utf8
        guard let first = utf8.first, utf8.count <= 18 else { return nil }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        var value = 0
        for c in utf8 {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
        }
        return value
    }

    private static func existingIndex(_ token: String, count: Int) throws(PointerFailure) -> Int {
        guard let index = arrayIndex(token) else { throw .missing("\"\(token)\" is not an array index") }
        guard index < count else { throw .missing("index \(index) is out of bounds for an array of \(count)") }
        return index
    }
}

/// Helpers over an object's ordered member list (JSONValue keeps order and may hold repeated
/// keys; like Go's decoder, the last one wins).
enum ObjectMembers {
    typealias Member = (key: String, value: JSONValue)

    /// The index of the last member named `key`.
    static func lastIndex(of key: String, in members: [Member]) -> Int? {
        members.lastIndex { $0.key == key }
    }

    /// Sets member `key` (replacing the last one of that name and dropping earlier repeats), or
    /// appends it.
    static func set(_ key: String, to value: JSONValue, in members: inout [Member]) {
        if let i = lastIndex(of: key, in: members) {
            members[i].value = value
            if members[..<i].contains(where: { $0.key == key }) {
                let keep = members[i]
                members.removeAll { $0.key == key }
                members.insert(keep, at: min(i, members.count))
            }
        } else {
            members.append((key: key, value: value))
        }
    }

    /// The members with repeated keys reduced to the last of each, in order.
    static func lastWins(_ members: [Member]) -> [Member] {
        var out: [Member] = []
        out.reserveCapacity(members.count)
        for (i, member) in members.enumerated() where !members[(i + 1)...].contains(where: { $0.key == member.key }) {
            out.append(member)
        }
        return out
    }

    /// Removes every member named `key`.
    static func remove(_ key: String, from members: inout [Member]) {
        members.removeAll { $0.key == key }
    }
}
