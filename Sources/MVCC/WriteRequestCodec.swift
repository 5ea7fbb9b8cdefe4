/// The deterministic binary encoding of ``WriteRequest`` that the replica stores in Raft entries.
///
/// Layout: a format byte (1), a request tag, then the fields in declaration order: integers as
/// little-endian 8 bytes, byte strings as a u32 length and the bytes, booleans packed in a flags byte,
/// enums as one byte, lists as a u32 count then the items. The same request always encodes to the same
/// bytes; decoding rejects anything else with a ``DecodeError``.
public enum WriteRequestCodec {
    static let formatVersion: UInt8 = 1
    /// Deepest txn nesting accepted.
    public static let maxTxnDepth = 16

    /// Encodes a request.
    public static func encode(_ request: WriteRequest) -> [UInt8] {
        var writer = ByteWriter()
        writer.u8(formatVersion)
        switch request {
        case .put(let put):
            writer.u8(1)
            write(put, to: &writer)
        case .deleteRange(let delete):
            writer.u8(2)
            write(delete, to: &writer)
        case .txn(let txn):
            writer.u8(3)
            write(txn, to: &writer)
        case .compaction(let compaction):
            writer.u8(4)
            writer.i64(compaction.revision)
            writer.bool(compaction.physical)
        case .leaseGrant(let grant):
            writer.u8(5)
            writer.i64(grant.ttlSeconds)
            writer.i64(grant.id)
        case .leaseRevoke(let revoke):
            writer.u8(6)
            writer.i64(revoke.id)
        case .leaseCheckpoint(let checkpoint):
            writer.u8(7)
            writer.u32(UInt32(checkpoint.checkpoints.count))
            for item in checkpoint.checkpoints {
                writer.i64(item.id)
                writer.i64(item.remainingTTLSeconds)
            }
        }
        return writer.bytes
    }

    /// Decodes a request, rejecting truncated, unknown, over-deep or trailing input.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> WriteRequest {
        var reader = ByteReader(bytes)
        let versionOffset = reader.offset
        let version = try reader.u8()
        if version != formatVersion { throw .unknownTag(version, offset: versionOffset) }
        let tagOffset = reader.offset
        let request: WriteRequest
        switch try reader.u8() {
        case 1: request = .put(try readPut(&reader))
        case 2: request = .deleteRange(try readDelete(&reader))
        case 3: request = .txn(try readTxn(&reader, depth: 0))
        case 4: request = .compaction(CompactionRequest(revision: try reader.i64(), physical: try reader.bool()))
        case 5: request = .leaseGrant(LeaseGrantRequest(ttlSeconds: try reader.i64(), id: try reader.i64()))
        case 6: request = .leaseRevoke(LeaseRevokeRequest(id: try reader.i64()))
        case 7:
            let count = try reader.count(minimumItemBytes: 16)
            var checkpoints: [LeaseCheckpointRequest.Checkpoint] = []
            for _ in 0..<count {
                checkpoints.append(.init(id: try reader.i64(), remainingTTLSeconds: try reader.i64()))
            }
            request = .leaseCheckpoint(LeaseCheckpointRequest(checkpoints: checkpoints))
        case let tag: throw .unknownTag(tag, offset: tagOffset)
        }
        if reader.remaining != 0 { throw .trailingBytes(count: reader.remaining) }
        return request
    }

    // MARK: writing

    static func write(_ put: PutRequest, to writer: inout ByteWriter) {
        writer.blob(put.key)
        writer.blob(put.value)
        writer.i64(put.lease)
        writer.u8(flags(put.prevKV, put.ignoreValue, put.ignoreLease))
    }

    static func write(_ delete: DeleteRangeRequest, to writer: inout ByteWriter) {
        writer.blob(delete.key)
        writer.blob(delete.rangeEnd)
        writer.bool(delete.prevKV)
    }

    static func write(_ range: RangeRequest, to writer: inout ByteWriter) {
        writer.blob(range.key)
        writer.blob(range.rangeEnd)
        writer.i64(range.limit)
        writer.i64(range.revision)
        writer.u8(UInt8(range.sortOrder.rawValue))
        writer.u8(UInt8(range.sortTarget.rawValue))
        writer.u8(flags(range.serializable, range.keysOnly, range.countOnly))
        writer.i64(range.minModRevision)
        writer.i64(range.maxModRevision)
        writer.i64(range.minCreateRevision)
        writer.i64(range.maxCreateRevision)
    }

    static func write(_ txn: TxnRequest, to writer: inout ByteWriter) {
        writer.u32(UInt32(txn.compare.count))
        for compare in txn.compare {
            writer.blob(compare.key)
            writer.blob(compare.rangeEnd)
            writer.u8(UInt8(compare.result.rawValue))
            switch compare.target {
            case .version(let value): writer.u8(0); writer.i64(value)
            case .createRevision(let value): writer.u8(1); writer.i64(value)
            case .modRevision(let value): writer.u8(2); writer.i64(value)
            case .value(let value): writer.u8(3); writer.blob(value)
            case .lease(let value): writer.u8(4); writer.i64(value)
            }
        }
        for branch in [txn.success, txn.failure] {
            writer.u32(UInt32(branch.count))
            for operation in branch {
                switch operation {
                case .range(let range): writer.u8(1); write(range, to: &writer)
                case .put(let put): writer.u8(2); write(put, to: &writer)
                case .deleteRange(let delete): writer.u8(3); write(delete, to: &writer)
                case .txn(let nested): writer.u8(4); write(nested, to: &writer)
                }
            }
        }
    }

    static func flags(_ a: Bool, _ b: Bool, _ c: Bool) -> UInt8 {
        (a ? 1 : 0) | (b ? 2 : 0) | (c ? 4 : 0)
    }

    // MARK: reading

    static func readFlags(_ reader: inout ByteReader) throws(DecodeError) -> (Bool, Bool, Bool) {
        let at = reader.offset
        let value = try reader.u8()
        if value & ~7 != 0 { throw .unknownTag(value, offset: at) }
        return (value & 1 != 0, value & 2 != 0, value & 4 != 0)
    }

    static func readPut(_ reader: inout ByteReader) throws(DecodeError) -> PutRequest {
        let key = try reader.blob()
        let value = try reader.blob()
        let lease = try reader.i64()
        let (prevKV, ignoreValue, ignoreLease) = try readFlags(&reader)
        return PutRequest(key: key, value: value, lease: lease, prevKV: prevKV, ignoreValue: ignoreValue, ignoreLease: ignoreLease)
    }

    static func readDelete(_ reader: inout ByteReader) throws(DecodeError) -> DeleteRangeRequest {
        DeleteRangeRequest(key: try reader.blob(), rangeEnd: try reader.blob(), prevKV: try reader.bool())
    }

    static func readRange(_ reader: inout ByteReader) throws(DecodeError) -> RangeRequest {
        let key = try reader.blob()
        let rangeEnd = try reader.blob()
        let limit = try reader.i64()
        let revision = try reader.i64()
        let orderOffset = reader.offset
        let orderRaw = try reader.u8()
        guard let order = RangeRequest.SortOrder(rawValue: Int(orderRaw)) else { throw .unknownTag(orderRaw, offset: orderOffset) }
        let targetOffset = reader.offset
        let targetRaw = try reader.u8()
        guard let target = RangeRequest.SortTarget(rawValue: Int(targetRaw)) else { throw .unknownTag(targetRaw, offset: targetOffset) }
        let (serializable, keysOnly, countOnly) = try readFlags(&reader)
        return RangeRequest(key: key, rangeEnd: rangeEnd, limit: limit, revision: revision, sortOrder: order,
                            sortTarget: target, serializable: serializable, keysOnly: keysOnly, countOnly: countOnly,
                            minModRevision: try reader.i64(), maxModRevision: try reader.i64(),
                            minCreateRevision: try reader.i64(), maxCreateRevision: try reader.i64())
    }

    static func readTxn(_ reader: inout ByteReader, depth: Int) throws(DecodeError) -> TxnRequest {
        if depth > maxTxnDepth { throw .tooDeep(offset: reader.offset) }
        let compareCount = try reader.count(minimumItemBytes: 18)
        var compares: [Compare] = []
        for _ in 0..<compareCount {
            let key = try reader.blob()
            let rangeEnd = try reader.blob()
            let resultOffset = reader.offset
            let resultRaw = try reader.u8()
            guard let result = Compare.Result(rawValue: Int(resultRaw)) else { throw .unknownTag(resultRaw, offset: resultOffset) }
            let targetOffset = reader.offset
            let target: Compare.Target
            switch try reader.u8() {
            case 0: target = .version(try reader.i64())
            case 1: target = .createRevision(try reader.i64())
            case 2: target = .modRevision(try reader.i64())
            case 3: target = .value(try reader.blob())
            case 4: target = .lease(try reader.i64())
            case let tag: throw .unknownTag(tag, offset: targetOffset)
            }
            compares.append(Compare(key: key, rangeEnd: rangeEnd, result: result, target: target))
        }
        var branches: [[RequestOp]] = []
        for _ in 0..<2 {
            let count = try reader.count(minimumItemBytes: 1)
            var operations: [RequestOp] = []
            for _ in 0..<count {
                let tagOffset = reader.offset
                switch try reader.u8() {
                case 1: operations.append(.range(try readRange(&reader)))
                case 2: operations.append(.put(try readPut(&reader)))
                case 3: operations.append(.deleteRange(try readDelete(&reader)))
                case 4: operations.append(.txn(try readTxn(&reader, depth: depth + 1)))
                case let tag: throw .unknownTag(tag, offset: tagOffset)
                }
            }
            branches.append(operations)
        }
        return TxnRequest(compare: compares, success: branches[0], failure: branches[1])
    }
}
