/// Horizontal bar charts for the terminal: one bar per row, scaled to the largest value,
/// drawn with block characters in eighths so small differences still show.
public enum ChartRenderer {
    public static let barWidth = 40

    /// `labelColumns` name the bar; `valueColumn` is what the bar measures.
    public static func render(_ t: ResultTable, labelColumns: [Int], valueColumn: Int, title: String, maxWidth: Int? = nil) -> String {
        let kind = t.columns[valueColumn].kind
        let styles = ValueFormatter.styles(for: t)
        let rows: [(label: String, value: Double, text: String)] = t.rows.map { row in
            let label = labelColumns.map { ValueFormatter.human(row[$0], kind: t.columns[$0].kind) }.joined(separator: " · ")
            let v = row[valueColumn].number ?? 0
            return (label.isEmpty ? t.columns[valueColumn].name : label, v.isFinite ? v : 0,
                    ValueFormatter.human(row[valueColumn], style: styles[valueColumn]))
        }
        guard !rows.isEmpty else { return title + "\n(no data)" }
        let labelWidth = rows.map { DisplayWidth.of($0.label) }.max() ?? 0
        let textWidth = rows.map { DisplayWidth.of($0.text) }.max() ?? 0
        var width = barWidth
        if let maxWidth { width = max(10, min(barWidth, maxWidth - labelWidth - textWidth - 4)) }
        let top = rows.map { abs($0.value) }.max() ?? 0
        var lines = [title + " (" + t.columns[valueColumn].name + (kind == .rate ? ", %" : "") + ")"]
        for r in rows {
            let eighths = top > 0 ? Int((abs(r.value) / top * Double(width * 8)).rounded()) : 0
            let bar = String(repeating: "█", count: eighths / 8) + partial(eighths % 8)
            let pad = String(repeating: " ", count: labelWidth - DisplayWidth.of(r.label))
            let barPad = String(repeating: " ", count: width - DisplayWidth.of(bar))
            let numberPad = String(repeating: " ", count: textWidth - DisplayWidth.of(r.text))
            lines.append("\(r.label)\(pad)  \(bar)\(barPad)  \(numberPad)\(r.text)")
        }
        return lines.joined(separator: "\n")
    }

    static func partial(_ eighths: Int) -> String {
        ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][max(0, min(7, eighths))]
    }
}
