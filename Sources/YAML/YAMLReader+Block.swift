import JSON

extension YAMLReader {
    /// Where a block value sits: it decides whether a collection may start on the same line.
    /// (`explicitValue` is the value after the `:` of a `? key`: like a sequence entry it may hold a
    /// compact collection; like a mapping value, a sequence at the key's indentation.)
    enum ValueContext { case document, mappingValue, explicitValue, sequenceEntry }

    /// A node's anchor and tag, written before it.
    struct Properties {
        var anchor: String?
        var tag: String?
        var isEmpty: Bool { anchor == nil && tag == nil }
    }

    /// Reads `&anchor` and `!tag` properties (in any order) and the spaces after them.
    mutating func parseProperties(flow: Bool) throws(YAMLError) -> Properties {
        var props = Properties()
        while true {
            let m = mark
            if current == UInt8(ascii: "&") {
                i += 1
                let start = i
                while !Self.isBlank(current), !Self.isFlowIndicator(current) { i += 1 }
                if i == start { throw .unexpected(found: found(at: i), expected: "an anchor name after '&'", at: mark) }
                props.anchor = String(decoding: bytes[start..<i], as: UTF8.self)
            } else if current == UInt8(ascii: "!") {
                let start = i
                if byte(i + 1) == UInt8(ascii: "<") {
                    while i < bytes.count, current != UInt8(ascii: ">"), !Self.isBreak(current) { i += 1 }
                    guard current == UInt8(ascii: ">") else { throw .unexpected(found: found(at: i), expected: "'>' closing a verbatim tag", at: m) }
                    i += 1
                    props.tag = String(decoding: bytes[(start + 2)..<(i - 1)], as: UTF8.self)
                } else {
                    while !Self.isBlank(current), !(flow && Self.isFlowIndicator(current)) { i += 1 }
                    props.tag = String(decoding: bytes[start..<i], as: UTF8.self)
                }
            } else {
                return props
            }
            if flow { try skipFlowSpace() } else { skipSpaces() }
        }
    }

    /// Records an anchor's value (and its size, so that aliases to it can be charged).
    mutating func register(anchor: String?, _ value: JSONValue) {
        guard let anchor else { return }
        anchors[anchor] = (value, Self.countNodes(value))
    }

    static func countNodes(_ value: JSONValue) -> Int {
        switch value {
        case .array(let items): return items.reduce(1) { $0 + countNodes($1) }
        case .object(let members): return members.reduce(1) { $0 + countNodes($1.value) }
        default: return 1
        }
    }

    /// Reads `*name` and returns the anchored value, charging its size to the alias budget.
    mutating func parseAlias() throws(YAMLError) -> JSONValue {
        let m = mark
        i += 1
        let start = i
        while !Self.isBlank(current), !Self.isFlowIndicator(current) { i += 1 }
        let name = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let entry = anchors[name] else { throw .undefinedAlias(name, at: m) }
        aliasNodes += entry.nodes
        if aliasNodes > Self.maxAliasExpansionNodes { throw .aliasExpansionLimit(limit: Self.maxAliasExpansionNodes, at: m) }
        return entry.value
    }

    /// The JSON key text of a scalar key (`1` → "1", `true` → "true", `~` → "null").
    static func keyText(_ value: JSONValue, at mark: YAMLMark) throws(YAMLError) -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: throw .nonScalarKey(at: mark)
        }
    }

    /// Reads the value after an indicator (`key:`, `-`, `---`): on the same line, on the lines
    /// below (more indented than `parentIndent`), or nothing (nil).
    mutating func parseBlockValue(parentIndent: Int, context: ValueContext) throws(YAMLError) -> JSONValue? {
        skipSpaces()
        var propsColumn: Int? = current == UInt8(ascii: "!") || current == UInt8(ascii: "&") ? column : nil
        var props = try parseProperties(flow: false)
        let m = mark
        var value: JSONValue?
        if atEnd || Self.isBreak(current) || current == UInt8(ascii: "#") {
            if try moveToNextContent(), !isDocumentMarker(at: i) {
                var c = column
                if c > parentIndent, current == UInt8(ascii: "!") || current == UInt8(ascii: "&") {
                    // Properties at the start of the node's line (they may belong to its first key).
                    propsColumn = column
                    let more = try parseProperties(flow: false)
                    props.anchor = more.anchor ?? props.anchor
                    props.tag = more.tag ?? props.tag
                    if atEnd || Self.isBreak(current) || current == UInt8(ascii: "#") {
                        // Properties on a line of their own, before the node they describe.
                        guard try moveToNextContent(), !isDocumentMarker(at: i), column > parentIndent else {
                            return try emptyNode(props, at: m)
                        }
                        c = column
                        propsColumn = nil
                    }
                } else {
                    propsColumn = nil
                }
                if c > parentIndent {
                    value = try parseNode(parentIndent: parentIndent, collectionsAllowed: true, props: &props, propsColumn: propsColumn)
                } else if c == parentIndent, context == .mappingValue || context == .explicitValue,
                          current == UInt8(ascii: "-"), Self.isBlank(byte(i + 1)) {
                    value = try parseBlockSequence(column: c)
                }
            }
        } else {
            value = try parseNode(parentIndent: parentIndent, collectionsAllowed: context != .mappingValue, props: &props, propsColumn: propsColumn)
        }
        if value == nil, !props.isEmpty { return try emptyNode(props, at: m) }
        if let value { register(anchor: props.anchor, value) }
        return value
    }

    /// The value of a node that has properties but no content (`key: !!str` is "", `&a` is null).
    private mutating func emptyNode(_ props: Properties, at m: YAMLMark) throws(YAMLError) -> JSONValue? {
        if props.isEmpty { return nil }
        let value = try ScalarResolver.resolve([], plain: true, tag: props.tag, at: m)
        register(anchor: props.anchor, value)
        return value
    }

    /// Reads the node that starts at the current position. `collectionsAllowed` is false on the
    /// line of a mapping key (`a: b: c` and `a: - b` are errors there). `propsColumn` is where the
    /// node's properties started when they are on its line: if the node turns out to be a block
    /// mapping, they belong to its first key, the mapping starts at their column, and `props` is
    /// emptied so that the caller does not apply them to the mapping.
    mutating func parseNode(parentIndent: Int, collectionsAllowed: Bool, props: inout Properties, propsColumn: Int?) throws(YAMLError) -> JSONValue {
        let tag = props.tag
        let c = column
        let start = mark
        let next = byte(i + 1)
        switch current {
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            let text = try parseBlockScalar(parentIndent: parentIndent)
            return try ScalarResolver.resolve(text, plain: false, tag: tag, at: start)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let value = try parseFlowCollection()
            skipSpaces()
            if current == UInt8(ascii: ":"), Self.isBlank(byte(i + 1)) { throw .nonScalarKey(at: start) }
            return value
        case UInt8(ascii: "*"):
            let value = try parseAlias()
            skipSpaces()
            if current == UInt8(ascii: ":"), Self.isBlank(byte(i + 1)) {
                guard collectionsAllowed else { throw mappingNotAllowed() }
                return try parseBlockMapping(column: c, firstKey: (try Self.keyText(value, at: start), start, false))
            }
            return value
        case UInt8(ascii: "-") where Self.isBlank(next):
            guard collectionsAllowed else {
                throw .unexpected(found: "'-'", expected: "a scalar or a flow collection (a block sequence cannot start on the line of its key)", at: start)
            }
            return try parseBlockSequence(column: c)
        case UInt8(ascii: "?") where Self.isBlank(next):
            guard collectionsAllowed else {
                throw .unexpected(found: "'?'", expected: "a scalar or a flow collection (a block mapping cannot start on the line of its key)", at: start)
            }
            return try parseBlockMapping(column: c, firstKey: nil)
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"):
            throw .unexpected(found: found(at: i), expected: "a node (this character cannot start one)", at: start)
        default:
            break
        }
        var text: [UInt8]
        var plain = false
        var endedByComment = false
        if current == UInt8(ascii: "\"") {
            text = try parseDoubleQuoted()
        } else if current == UInt8(ascii: "'") {
            text = try parseSingleQuoted()
        } else {
            (text, endedByComment) = scanPlainLine(flow: false)
            plain = true
            if text.isEmpty { throw .unexpected(found: found(at: i), expected: "a node (an empty key before ':' is not allowed)", at: start) }
        }
        let afterScalar = i
        skipSpaces()
        if current == UInt8(ascii: ":"), Self.isBlank(byte(i + 1)) {
            guard collectionsAllowed else { throw mappingNotAllowed() }
            guard start.line == line + 1 else {
                throw .unexpected(found: "a multi-line key", expected: "a mapping key on one line", at: start)
            }
            let keyProps = propsColumn == nil ? Properties() : props
            let keyValue = try ScalarResolver.resolve(text, plain: plain, tag: keyProps.tag, at: start)
            register(anchor: keyProps.anchor, keyValue)
            let mappingColumn = propsColumn ?? c
            let keyTag = keyProps.tag
            if propsColumn != nil { props = Properties() }
            let isMerge = plain && keyTag == nil && text == [UInt8(ascii: "<"), UInt8(ascii: "<")]
            return try parseBlockMapping(column: mappingColumn, firstKey: (try Self.keyText(keyValue, at: start), start, isMerge))
        }
        i = afterScalar
        if plain && !endedByComment {
            try continuePlain(&text, parentIndent: parentIndent, flow: false)
        }
        return try ScalarResolver.resolve(text, plain: plain, tag: tag, at: start)
    }

    func mappingNotAllowed() -> YAMLError {
        .unexpected(found: "':'", expected: "no mapping value here (a mapping cannot start on the line of its key; quote the value if it holds ': ')", at: mark)
    }

    /// Reads a block mapping whose keys sit at `column`. Either the first key has been read and
    /// `i` is at its ':', or (`firstKey` nil) `i` is at the first key.
    mutating func parseBlockMapping(column c: Int, firstKey: (String, YAMLMark, Bool)?) throws(YAMLError) -> JSONValue {
        try enterCollection()
        defer { depth -= 1 }
        var builder = MappingBuilder()
        var pending = firstKey
        while true {
            let key: String
            let keyMark: YAMLMark
            let isMerge: Bool
            var hasValue = true
            var explicit = false
            if let first = pending {
                (key, keyMark, isMerge) = first
                pending = nil
            } else if current == UInt8(ascii: "?"), Self.isBlank(byte(i + 1)) {
                (key, keyMark, hasValue) = try parseExplicitKey(column: c)
                isMerge = false
                explicit = true
            } else {
                (key, keyMark, isMerge) = try parseMappingKey()
            }
            var value = JSONValue.null
            if hasValue {
                i += 1  // the ':'
                value = try parseBlockValue(parentIndent: c, context: explicit ? .explicitValue : .mappingValue) ?? .null
            }
            if isMerge { try builder.merge(value, at: keyMark) } else { try builder.add(key, value, at: keyMark) }
            guard try moveToNextContent(), !isDocumentMarker(at: i) else { break }
            if column < c { break }
            if column > c { throw .badIndentation(expected: "a mapping key at column \(c + 1) or less indented", at: mark) }
        }
        return builder.build()
    }

    /// Reads `? key` (the key may be any scalar, on the following lines too) and stops at the
    /// `:` of its value on a later line at `column`, if there is one (else the value is null).
    mutating func parseExplicitKey(column c: Int) throws(YAMLError) -> (String, YAMLMark, Bool) {
        let m = mark
        i += 1  // the '?'
        let key = try Self.keyText(try parseBlockValue(parentIndent: c, context: .sequenceEntry) ?? .null, at: m)
        guard try moveToNextContent(), !isDocumentMarker(at: i), column == c,
              current == UInt8(ascii: ":"), Self.isBlank(byte(i + 1)) else { return (key, m, false) }
        return (key, m, true)
    }

    /// Reads a block mapping key at the current position and stops at its ':'.
    mutating func parseMappingKey() throws(YAMLError) -> (String, YAMLMark, Bool) {
        let m = mark
        let props = current == UInt8(ascii: "&") || current == UInt8(ascii: "!") ? try parseProperties(flow: false) : Properties()
        var keyValue: JSONValue
        var isMerge = false
        switch current {
        case UInt8(ascii: "-") where Self.isBlank(byte(i + 1)):
            throw .unexpected(found: "'-'", expected: "a mapping key (a sequence entry cannot follow mapping entries at the same indentation)", at: m)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            throw .nonScalarKey(at: m)
        case UInt8(ascii: "*"):
            keyValue = try parseAlias()
        case UInt8(ascii: "\""):
            keyValue = try ScalarResolver.resolve(try parseDoubleQuoted(), plain: false, tag: props.tag, at: m)
        case UInt8(ascii: "'"):
            keyValue = try ScalarResolver.resolve(try parseSingleQuoted(), plain: false, tag: props.tag, at: m)
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"):
            throw .unexpected(found: found(at: i), expected: "a mapping key", at: m)
        default:
            let (text, _) = scanPlainLine(flow: false)
            if text.isEmpty { throw .unexpected(found: found(at: i), expected: "a mapping key before ':'", at: m) }
            isMerge = props.tag == nil && text == [UInt8(ascii: "<"), UInt8(ascii: "<")]
            keyValue = try ScalarResolver.resolve(text, plain: true, tag: props.tag, at: m)
        }
        register(anchor: props.anchor, keyValue)
        let key = try Self.keyText(keyValue, at: m)
        guard line + 1 == m.line else {
            throw .unexpected(found: "a multi-line key", expected: "a mapping key on one line", at: m)
        }
        skipSpaces()
        guard current == UInt8(ascii: ":"), Self.isBlank(byte(i + 1)) else {
            throw .unexpected(found: found(at: i), expected: "':' after the mapping key", at: mark)
        }
        return (key, m, isMerge)
    }

    /// Reads a block sequence whose `-` indicators sit at `column`; `i` is at the first `-`.
    mutating func parseBlockSequence(column c: Int) throws(YAMLError) -> JSONValue {
        try enterCollection()
        defer { depth -= 1 }
        var items: [JSONValue] = []
        while true {
            i += 1  // the '-'
            items.append(try parseBlockValue(parentIndent: c, context: .sequenceEntry) ?? .null)
            guard try moveToNextContent(), !isDocumentMarker(at: i) else { break }
            if column < c { break }
            if column > c { throw .badIndentation(expected: "a sequence entry '-' at column \(c + 1) or less indented", at: mark) }
            guard current == UInt8(ascii: "-"), Self.isBlank(byte(i + 1)) else { break }
        }
        return .array(items)
    }
}
