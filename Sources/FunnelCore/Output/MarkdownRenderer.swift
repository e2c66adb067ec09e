/// A GitHub-flavoured Markdown table, for pasting a result into an issue, a wiki or a
/// chat. Cells read as in the plain table (grouped amounts, percentages, the total row);
/// nothing is padded because the Markdown viewer aligns the columns itself.
public enum MarkdownRenderer {
    public static func render(_ t: ResultTable) -> String {
        guard !t.columns.isEmpty else { return "" }
        let cells = ValueFormatter.humanCells(t)
        func line(_ row: [String]) -> String { "| " + row.map(escape).joined(separator: " | ") + " |" }
        let alignment = "| " + t.columns.map { TableRenderer.isNumeric($0.kind) ? "---:" : "---" }
            .joined(separator: " | ") + " |"
        var lines = [line(cells.header), alignment] + cells.rows.map(line)
        if let total = cells.total { lines.append(line(total)) }
        return lines.joined(separator: "\n")
    }

    /// A bare `|` would end the cell early; line breaks are already escaped by the
    /// formatter, so only the pipe needs care here.
    static func escape(_ cell: String) -> String {
        guard cell.utf8.contains(0x7C) else { return cell }
        var out = ""
        for ch in cell.unicodeScalars {
            if ch == "|" { out += "\\|" } else { out.unicodeScalars.append(ch) }
        }
        return out
    }
}
