import JSON

extension YAMLReader {
    /// Skips spaces, tabs, line breaks and comments inside a flow collection. A document marker
    /// there means the collection was never closed.
    mutating func skipFlowSpace() throws(YAMLError) {
        while true {
            let c = current
            if Self.isSpace(c) {
                i += 1
            } else if Self.isBreak(c) {
                consumeBreak()
                if isDocumentMarker(at: i) {
                    throw .unexpected(found: "a document marker", expected: "the end of the flow collection (']' or '}')", at: mark)
                }
            } else if c == UInt8(ascii: "#") {
                skipToEndOfLine()
            } else {
                return
            }
        }
    }

    /// Reads `[...]` or `{...}` starting at the current bracket.
    mutating func parseFlowCollection() throws(YAMLError) -> JSONValue {
        try current == UInt8(ascii: "[") ? parseFlowSequence() : parseFlowMapping()
    }

    /// Reads one node inside a flow collection, with its properties.
    mutating func parseFlowNode() throws(YAMLError) -> JSONValue {
        let props = try parseProperties(flow: true)
        let m = mark
        let value: JSONValue
        switch current {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            value = try parseFlowCollection()
        case UInt8(ascii: "\""):
            value = try ScalarResolver.resolve(try parseDoubleQuoted(), plain: false, tag: props.tag, at: m)
        case UInt8(ascii: "'"):
            value = try ScalarResolver.resolve(try parseSingleQuoted(), plain: false, tag: props.tag, at: m)
        case UInt8(ascii: "*"):
            value = try parseAlias()
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
            guard !props.isEmpty else {
                throw .unexpected(found: found(at: i), expected: "a flow node (a scalar, '[' or '{')", at: m)
            }
            value = try ScalarResolver.resolve([], plain: true, tag: props.tag, at: m)
        case UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"), 0:
            throw .unexpected(found: found(at: i), expected: "a flow node (a scalar, '[' or '{')", at: m)
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            guard !Self.isBlank(byte(i + 1)) else {
                throw .unexpected(found: found(at: i), expected: "a flow node (block indicators are not allowed in flow context)", at: m)
            }
            fallthrough
        default:
            var (text, endedByComment) = scanPlainLine(flow: true)
            if text.isEmpty { throw .unexpected(found: found(at: i), expected: "a flow node", at: m) }
            if !endedByComment { try continuePlain(&text, parentIndent: -1, flow: true) }
            value = try ScalarResolver.resolve(text, plain: true, tag: props.tag, at: m)
        }
        register(anchor: props.anchor, value)
        return value
    }

    /// Reads `[a, b, k: v]` (a trailing comma is allowed; `k: v` is a one-member mapping).
    mutating func parseFlowSequence() throws(YAMLError) -> JSONValue {
        try enterCollection()
        defer { depth -= 1 }
        i += 1
        var items: [JSONValue] = []
        while true {
            try skipFlowSpace()
            if current == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            let m = mark
            var item = try parseFlowNode()
            try skipFlowSpace()
            if current == UInt8(ascii: ":") {
                i += 1
                try skipFlowSpace()
                let value = current == UInt8(ascii: ",") || current == UInt8(ascii: "]") ? JSONValue.null : try parseFlowNode()
                item = .object([(try Self.keyText(item, at: m), value)])
                try skipFlowSpace()
            }
            items.append(item)
            if current == UInt8(ascii: ",") {
                i += 1
            } else if current != UInt8(ascii: "]") {
                throw .unexpected(found: found(at: i), expected: "',' or ']' in a flow sequence", at: mark)
            }
        }
    }

    /// Reads `{a: 1, "b": [x], c}` (a key without a value is null; a trailing comma is allowed).
    mutating func parseFlowMapping() throws(YAMLError) -> JSONValue {
        try enterCollection()
        defer { depth -= 1 }
        i += 1
        var builder = MappingBuilder()
        while true {
            try skipFlowSpace()
            if current == UInt8(ascii: "}") {
                i += 1
                return builder.build()
            }
            if current == UInt8(ascii: "?"), Self.isBlank(byte(i + 1)) {
                i += 1
                try skipFlowSpace()
            }
            let m = mark
            let isMerge = current == UInt8(ascii: "<") && byte(i + 1) == UInt8(ascii: "<")
            let key = try Self.keyText(try parseFlowNode(), at: m)
            try skipFlowSpace()
            var value = JSONValue.null
            if current == UInt8(ascii: ":") {
                i += 1
                try skipFlowSpace()
                if current != UInt8(ascii: ",") && current != UInt8(ascii: "}") { value = try parseFlowNode() }
                try skipFlowSpace()
            }
            if isMerge && key == "<<" { try builder.merge(value, at: m) } else { try builder.add(key, value, at: m) }
            if current == UInt8(ascii: ",") {
                i += 1
            } else if current != UInt8(ascii: "}") {
                throw .unexpected(found: found(at: i), expected: "',' or '}' in a flow mapping", at: mark)
            }
        }
    }
}
