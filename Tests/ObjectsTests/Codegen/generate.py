#!/usr/bin/env python3
"""Generates Sources/Objects/Kinds/*.swift from schema.txt: one struct per schema block with its
fields, a decoder over JSONPullReader and an encoder over JSONWriter; kinds also get their
APIObject conformance and the KindRegistry's table. Run from this directory."""
import os, re, collections

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', '..', 'Sources', 'Objects', 'Kinds')
KEYWORDS = {'operator', 'protocol', 'default', 'internal', 'extension', 'import', 'static'}

def ident(name):
    return '`%s`' % name if name in KEYWORDS else name

def member(name):
    return '`%s`' % name if name in KEYWORDS else name

SCALARS = {
    'String': ('String', '""', 'r.readString()', 'w.member("{k}", {v})'),
    'String!': ('String', '""', 'r.readString()', 'w.requiredMember("{k}", {v})'),
    'String?': ('String?', 'nil', 'r.readOptionalString()', 'w.member("{k}", {v})'),
    'Int32': ('Int32', '0', 'r.readInt32()', 'w.member("{k}", {v})'),
    'Int32!': ('Int32', '0', 'r.readInt32()', 'w.requiredMember("{k}", {v})'),
    'Int32?': ('Int32?', 'nil', 'r.readOptionalInt32()', 'w.member("{k}", {v})'),
    'Int64': ('Int64', '0', 'r.readInt64()', 'w.member("{k}", {v})'),
    'Int64!': ('Int64', '0', 'r.readInt64()', 'w.requiredMember("{k}", {v})'),
    'Int64?': ('Int64?', 'nil', 'r.readOptionalInt64()', 'w.member("{k}", {v})'),
    'Bool': ('Bool', 'false', 'r.readBool()', 'w.member("{k}", {v})'),
    'Bool!': ('Bool', 'false', 'r.readBool()', 'w.requiredMember("{k}", {v})'),
    'Bool?': ('Bool?', 'nil', 'r.readOptionalBool()', 'w.member("{k}", {v})'),
    '[String]': ('[String]', '[]', 'r.readStringList()', 'w.member("{k}", {v})'),
    '{String}': ('[String: String]', '[:]', 'r.readStringMap()', 'w.member("{k}", {v})'),
    'Quantities': ('[String: String]', '[:]', 'r.readQuantityMap()', 'w.quantityMember("{k}", {v})'),
    'Quantity?': ('String?', 'nil', 'r.readQuantity()', 'w.quantityMember("{k}", {v})'),
    'Time?': ('Timestamp?', 'nil', 'r.readTimestamp()', 'w.timeMember("{k}", {v})'),
    'MicroTime?': ('Timestamp?', 'nil', 'r.readTimestamp()', 'w.microTimeMember("{k}", {v})'),
    'IntOrString?': ('IntOrString?', 'nil', 'r.readIntOrString()', 'w.member("{k}", {v})'),
    'IntOrString!': ('IntOrString', '.int(0)', 'r.readIntOrString() ?? .int(0)', 'w.member("{k}", Optional({v}))'),
}

def field_code(json, typ):
    if typ in SCALARS:
        return SCALARS[typ]
    m = re.fullmatch(r'\[(\w+)\]', typ)
    if m:
        t = m.group(1)
        return ('[%s]' % t, '[]', 'r.readList(%s.self)' % t, 'w.member("{k}", {v})')
    m = re.fullmatch(r'(\w+)([?!]?)', typ)
    t, mark = m.group(1), m.group(2)
    if mark == '?':
        return (t + '?', 'nil', 'r.readOptional(%s.self)' % t, 'w.member("{k}", {v})')
    if mark == '!':
        return (t, '%s()' % t, '%s(from: &r)' % t, 'w.requiredMember("{k}", {v})')
    return (t, '%s()' % t, '%s(from: &r)' % t, 'w.member("{k}", {v})')

Block = collections.namedtuple('Block', 'name file doc kind fields')

def parse(path):
    blocks = []
    cur = None
    for line in open(path):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        if line.startswith('struct ') or line.startswith('kind '):
            head, doc = line.split(': ', 1)
            parts = head.split()
            kind = None
            if parts[0] == 'kind':
                kind = dict(p.split('=', 1) for p in parts[3:])
            cur = Block(parts[1], parts[2], doc.strip(), kind, [])
            blocks.append(cur)
        else:
            json, typ = line.split()
            cur.fields.append((json, typ))
    return blocks

def gen_struct(b):
    out = []
    conformances = 'JSONObjectCodable' + (', APIObject' if b.kind else '')
    out.append('/// %s' % b.doc)
    out.append('public struct %s: %s {' % (b.name, conformances))
    for json, typ in b.fields:
        st, default, _, _ = field_code(json, typ)
        out.append('    public var %s: %s = %s' % (ident(json), st, default))
    out.append('    /// Members this type does not model, kept in order and written back after the known ones.')
    out.append('    public var unknownFields = UnknownFields()')
    out.append('')
    out.append('    /// An empty value: every field at its zero value.')
    out.append('    public init() {}')
    out.append('')
    out.append('    /// Decodes the object under the reader\'s cursor; unknown members are kept, `null` is empty.')
    out.append('    public init(from r: inout JSONPullReader) throws(ObjectCodecError) {')
    out.append('        var v = %s()' % b.name)
    out.append('        try r.readObject { (r, key) throws(ObjectCodecError) in')
    out.append('            switch key {')
    if b.kind:
        out.append('            case "kind", "apiVersion": try Self.checkTypeMember(key.string, try r.readString())')
    for json, typ in b.fields:
        _, _, dec, _ = field_code(json, typ)
        out.append('            case "%s": v.%s = try %s' % (json, member(json), dec))
    out.append('            default: v.unknownFields.members.append((key.string, try r.readValue()))')
    out.append('            }')
    out.append('        }')
    out.append('        self = v')
    out.append('    }')
    out.append('')
    if b.kind:
        out.append('    /// Appends the object: `kind` and `apiVersion` first, then its members, empty ones left out.')
    else:
        out.append('    /// Appends the object, empty members left out as Kubernetes\' `omitempty` does.')
    out.append('    public func encode(to w: inout JSONWriter) {')
    out.append('        w.beginObject()')
    if b.kind:
        out.append('        w.requiredMember("kind", "%s")' % b.name)
        out.append('        w.requiredMember("apiVersion", Self.resourceKind.apiVersion)')
    for json, typ in b.fields:
        _, _, _, enc = field_code(json, typ)
        if b.kind and json == 'metadata':
            enc = 'w.requiredMember("{k}", {v})'
        out.append('        ' + enc.format(k=json, v=member(json)))
    out.append('        w.unknown(unknownFields)')
    out.append('        w.endObject()')
    out.append('    }')
    out.append('}')
    if b.kind:
        out += gen_kind(b)
    return out

def gen_kind(b):
    k = b.kind
    spec_fields = [member(j) for j, _ in b.fields if j not in ('metadata', 'status')]
    has_status = any(j == 'status' for j, _ in b.fields)
    shorts = ', '.join('"%s"' % s for s in k['short'].split(',') if s)
    cats = ', '.join('"%s"' % s for s in k['categories'].split(',') if s)
    out = ['']
    out.append('extension %s {' % b.name)
    out.append('    /// Where %s lives in the REST API and the store.' % b.name)
    out.append('    public static let resourceKind = ResourceKind(')
    out.append('        group: "%s", version: "%s", kind: "%s", resource: "%s", singular: "%s",' % (k['group'], k['version'], b.name, k['resource'], k['singular']))
    out.append('        namespaced: %s, shortNames: [%s], hasStatus: %s, categories: [%s])' % (k['namespaced'], shorts, k['status'], cats))
    out.append('')
    out.append('    /// Decodes the object from its JSON; only whitespace may follow it.')
    out.append('    public init(json: [UInt8]) throws(ObjectCodecError) {')
    out.append('        var r = JSONPullReader(json)')
    out.append('        let token = try r.peek()')
    out.append('        guard token == .objectStart else { throw .wrongType(path: "", expected: "object", found: token.name) }')
    out.append('        try self.init(from: &r)')
    out.append('        try r.expectEnd()')
    out.append('    }')
    out.append('')
    out.append('    /// The object\'s JSON, `kind` and `apiVersion` first.')
    out.append('    public func encodeJSON() -> [UInt8] {')
    out.append('        var w = JSONWriter(capacity: 4096)')
    out.append('        encode(to: &w)')
    out.append('        return w.bytes')
    out.append('    }')
    out.append('')
    out.append('    /// Whether everything but metadata and status is the same.')
    out.append('    public func hasSameSpec(as other: %s) -> Bool {' % b.name)
    conds = ['%s == other.%s' % (f, f) for f in spec_fields] + ['unknownFields == other.unknownFields']
    out.append('        ' + '\n            && '.join(conds))
    out.append('    }')
    out.append('')
    out.append('    /// Takes `other`\'s status%s.' % ('' if has_status else ' (a no-op: this kind has none)'))
    out.append('    public mutating func copyStatus(from other: %s) {' % b.name)
    if has_status:
        out.append('        status = other.status')
    out.append('    }')
    out.append('}')
    return out

def main():
    blocks = parse(os.path.join(HERE, 'schema.txt'))
    files = collections.OrderedDict()
    for b in blocks:
        files.setdefault(b.file, []).append(b)
    os.makedirs(OUT, exist_ok=True)
    for name, bs in files.items():
        lines = ['// Generated by Tests/ObjectsTests/Codegen/generate.py from schema.txt; edit those, not this file.', '']
        for i, b in enumerate(bs):
            if i: lines.append('')
            lines += gen_struct(b)
        with open(os.path.join(OUT, name + '.swift'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    kinds = [b for b in blocks if b.kind]
    reg = ['// Generated by Tests/ObjectsTests/Codegen/generate.py from schema.txt; edit those, not this file.', '',
           'extension KindRegistry {',
           '    /// Every kind Tern serves, in a fixed order.',
           '    public static let standard = KindRegistry(kinds: [']
    for b in kinds:
        reg.append('        .of(%s.self),' % b.name)
    reg.append('    ])')
    reg.append('}')
    with open(os.path.join(OUT, 'KindRegistry+Standard.swift'), 'w') as f:
        f.write('\n'.join(reg) + '\n')

main()
