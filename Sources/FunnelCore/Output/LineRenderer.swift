/// `.mode line`, as sqlite3's: one `column = value` line per value, the names
/// right-aligned, a blank line between rows. For rows too wide for any terminal.
public enum LineRenderer {
    public static func render(_ t: ResultTable) -> String {
        guard !t.columns.isEmpty else { return "" }
        let cells = ValueFormatter.humanCells(t)
        let nameWidth = cells.header.map { DisplayWidth.of($0) }.max() ?? 0
        let records = cells.rows + (cells.total.map { [$0] } ?? [])
        return records.map { row in
            cells.header.indices.map { i in
                String(repeating: " ", count: nameWidth - DisplayWidth.of(cells.header[i])) + cells.header[i] + " = " + row[i]
            }.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}
