/// A compact line-per-operation text encoding of KV histories, so a failing history can be saved and replayed.
///
/// One operation per line: `client call return input => output`, times in nanoseconds,
/// `inf` and `?` for an unknown outcome (`inf` with a response for one resolved from the log). Strings are escaped tokens (``TokenText``).
/// Lines that are empty or start with `#` are comments. Example:
///
///     3 1200 1450 put 'a 'v1 0 0 => put 2 -
///     4 1300 inf txn 1 value 'a 'v1 1 put 'a 'v2 0 0 => ?
public enum HistoryCodec {
    /// The text of a whole history, one line per operation, newline-terminated.
    public static func encode(_ history: [KVOperation]) -> String {
        var text = ""
        for operation in history { text += encodeLine(operation) + "\n" }
        return text
    }

    /// The line of one operation.
    public static func encodeLine(_ operation: KVOperation) -> String {
        var words = [String(operation.client), String(operation.callNanoseconds)]
        words.append(operation.returnNanoseconds.map(String.init) ?? "inf")
        encodeInput(operation.input, into: &words)
        words.append("=>")
        if let output = operation.output { encodeOutput(output, into: &words) } else { words.append("?") }
        return words.joined(separator: " ")
    }

    /// Parses a whole history; comments and blank lines are skipped.
    /// - Throws: ``HistoryCodecError/malformed(line:token:reason:)`` naming the first bad line.
    public static func decode(_ text: String) throws(HistoryCodecError) -> [KVOperation] {
        var history: [KVOperation] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.first == "#" { continue }
            history.append(try decodeLine(trimmed, line: index + 1))
        }
        return history
    }

    static func decodeLine(_ text: Substring, line: Int) throws(HistoryCodecError) -> KVOperation {
        var reader = TokenReader(text, line: line)
        let clientToken = try reader.word()
        guard let client = Int(clientToken) else { throw reader.fail("expected a client number", clientToken) }
        guard let call = try reader.time() else { throw reader.fail("call time cannot be inf", "inf") }
        let returned = try reader.time()
        let input = try decodeInput(&reader)
        try reader.expect("=>")
        var output: KVOutput? = nil
        var probe = reader
        if try probe.word() == "?" {
            reader = probe
            guard returned == nil else { throw reader.fail("an unknown outcome must return at inf", "?") }
        } else {
            output = try decodeOutput(&reader)
        }
        if !reader.isAtEnd { throw reader.fail("trailing tokens", try reader.word()) }
        if let returned, returned < call { throw reader.fail("return before call", Substring(String(returned))) }
        return KVOperation(client: client, input: input, callNanoseconds: call, output: output, returnNanoseconds: returned)
    }

    // MARK: inputs

    static func encodeInput(_ input: KVInput, into words: inout [String]) {
        switch input {
        case .get(let key): words += ["get", TokenText.escape(key)]
        case .range(let prefix): words += ["range", TokenText.escape(prefix)]
        case .put(let key, let value, let lease, let prevKV):
            words += ["put", TokenText.escape(key), TokenText.escape(value), String(lease), prevKV ? "1" : "0"]
        case .delete(let key, let prefix): words += ["delete", TokenText.escape(key), prefix ? "1" : "0"]
        case .txn(let compares, let success, let failure):
            words += ["txn", String(compares.count)]
            for compare in compares {
                switch compare {
                case .valueEquals(let key, let value): words += ["value", TokenText.escape(key), TokenText.escape(value)]
                case .modRevisionEquals(let key, let revision): words += ["mod", TokenText.escape(key), String(revision)]
                case .versionEquals(let key, let version): words += ["version", TokenText.escape(key), String(version)]
                }
            }
            for branch in [success, failure] {
                words.append(String(branch.count))
                for write in branch {
                    switch write {
                    case .put(let key, let value, let lease): words += ["put", TokenText.escape(key), TokenText.escape(value), String(lease)]
                    case .delete(let key): words += ["del", TokenText.escape(key)]
                    }
                }
            }
        case .leaseGrant(let id): words += ["grant", String(id)]
        case .leaseRevoke(let id): words += ["revoke", String(id)]
        }
    }

    static func decodeInput(_ reader: inout TokenReader) throws(HistoryCodecError) -> KVInput {
        let verb = try reader.word()
        switch verb {
        case "get": return .get(key: try reader.string())
        case "range": return .range(prefix: try reader.string())
        case "put": return .put(key: try reader.string(), value: try reader.string(), lease: try reader.int(), prevKV: try reader.bool())
        case "delete": return .delete(key: try reader.string(), prefix: try reader.bool())
        case "txn":
            var compares: [TxnCompare] = []
            for _ in 0..<(try reader.count()) {
                let kind = try reader.word()
                switch kind {
                case "value": compares.append(.valueEquals(key: try reader.string(), value: try reader.string()))
                case "mod": compares.append(.modRevisionEquals(key: try reader.string(), revision: try reader.int()))
                case "version": compares.append(.versionEquals(key: try reader.string(), version: try reader.int()))
                default: throw reader.fail("unknown comparison", kind)
                }
            }
            let success = try decodeWrites(&reader)
            let failure = try decodeWrites(&reader)
            return .txn(compares: compares, success: success, failure: failure)
        case "grant": return .leaseGrant(id: try reader.int())
        case "revoke": return .leaseRevoke(id: try reader.int())
        default: throw reader.fail("unknown request", verb)
        }
    }

    static func decodeWrites(_ reader: inout TokenReader) throws(HistoryCodecError) -> [TxnWrite] {
        var writes: [TxnWrite] = []
        for _ in 0..<(try reader.count()) {
            let kind = try reader.word()
            switch kind {
            case "put": writes.append(.put(key: try reader.string(), value: try reader.string(), lease: try reader.int()))
            case "del": writes.append(.delete(key: try reader.string()))
            default: throw reader.fail("unknown transaction write", kind)
            }
        }
        return writes
    }

    // MARK: outputs

    static func encodeRecord(_ kv: KeyValue?, into words: inout [String]) {
        guard let kv else { words.append("-"); return }
        words += ["kv", TokenText.escape(kv.key), TokenText.escape(kv.value), String(kv.createRevision),
                  String(kv.modRevision), String(kv.version), String(kv.lease)]
    }

    static func decodeRecord(_ reader: inout TokenReader) throws(HistoryCodecError) -> KeyValue? {
        let marker = try reader.word()
        if marker == "-" { return nil }
        guard marker == "kv" else { throw reader.fail("expected kv or -", marker) }
        return KeyValue(key: try reader.string(), value: try reader.string(), createRevision: try reader.int(),
                        modRevision: try reader.int(), version: try reader.int(), lease: try reader.int())
    }

    static func encodeOutput(_ output: KVOutput, into words: inout [String]) {
        switch output {
        case .get(let revision, let kv):
            words += ["get", String(revision)]
            encodeRecord(kv, into: &words)
        case .range(let revision, let kvs):
            words += ["range", String(revision), String(kvs.count)]
            for kv in kvs { encodeRecord(kv, into: &words) }
        case .put(let revision, let prev):
            words += ["put", String(revision)]
            encodeRecord(prev, into: &words)
        case .delete(let revision, let deleted): words += ["delete", String(revision), String(deleted)]
        case .txn(let revision, let succeeded): words += ["txn", String(revision), succeeded ? "1" : "0"]
        case .leaseGrant(let revision): words += ["grant", String(revision)]
        case .leaseRevoke(let revision): words += ["revoke", String(revision)]
        case .failed(let failure): words += ["failed", failure.rawValue]
        }
    }

    static func decodeOutput(_ reader: inout TokenReader) throws(HistoryCodecError) -> KVOutput {
        let verb = try reader.word()
        switch verb {
        case "get": return .get(revision: try reader.int(), kv: try decodeRecord(&reader))
        case "range":
            let revision = try reader.int()
            var kvs: [KeyValue] = []
            for _ in 0..<(try reader.count()) {
                let token = try reader.word()
                guard token == "kv" else { throw reader.fail("expected kv", token) }
                kvs.append(KeyValue(key: try reader.string(), value: try reader.string(), createRevision: try reader.int(),
                                    modRevision: try reader.int(), version: try reader.int(), lease: try reader.int()))
            }
            return .range(revision: revision, kvs: kvs)
        case "put": return .put(revision: try reader.int(), prev: try decodeRecord(&reader))
        case "delete": return .delete(revision: try reader.int(), deleted: try reader.int())
        case "txn": return .txn(revision: try reader.int(), succeeded: try reader.bool())
        case "grant": return .leaseGrant(revision: try reader.int())
        case "revoke": return .leaseRevoke(revision: try reader.int())
        case "failed":
            let name = try reader.word()
            guard let failure = KVFailure(rawValue: String(name)) else { throw reader.fail("unknown failure", name) }
            return .failed(failure)
        default: throw reader.fail("unknown response", verb)
        }
    }
}
