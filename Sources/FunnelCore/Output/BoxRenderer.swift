/// `.mode box`, as sqlite3's: the plain table's cells inside box-drawing lines.
/// ```
/// ┌───────┬───────┐
/// │ stage │ deals │
/// ├───────┼───────┤
/// │ A     │     1 │
/// ├───────┼───────┤
/// │ total │     1 │
/// └───────┴───────┘
/// ```
public enum BoxRenderer {
    public static func render(_ t: ResultTable, headers: Bool = true, widths fixed: [Int] = []) -> String {
        guard !t.columns.isEmpty else { return "" }
        let cells = ValueFormatter.humanCells(t)
        let widths = TableRenderer.columnWidths(t, cells: cells, fixed: fixed)
        let rightAligned = t.columns.map { TableRenderer.isNumeric($0.kind) }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func line(_ row: [String]) -> String {
            "│" + widths.indices.map { i in
                let text = TableRenderer.truncate(row[i], to: widths[i])
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(text)))
                return " " + (rightAligned[i] ? pad + text : text + pad) + " "
            }.joined(separator: "│") + "│"
        }
        var lines = [rule("┌", "┬", "┐")]
        if headers { lines += [line(cells.header), rule("├", "┼", "┤")] }
        lines += cells.rows.map(line)
        if let total = cells.total { lines += [rule("├", "┼", "┤"), line(total)] }
        lines.append(rule("└", "┴", "┘"))
        return lines.joined(separator: "\n")
    }
}
