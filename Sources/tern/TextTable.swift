/// A plain ASCII table for `tern kv -w table`, in etcdctl's style:
/// ```
/// +-----+-------+
/// | KEY | VALUE |
/// +-----+-------+
/// | foo | bar   |
/// +-----+-------+
/// ```
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let rule = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+"
        func line(_ cells: [String]) -> String {
            "|" + widths.indices.map { i in
                let cell = i < cells.count ? cells[i] : ""
                return " " + cell + String(repeating: " ", count: widths[i] - cell.count) + " "
            }.joined(separator: "|") + "|"
        }
        return ([rule, line(header), rule] + rows.map(line) + [rule]).joined(separator: "\n")
    }
}
