/// Charts for the terminal: one line per bar, as wide as the terminal allows (the bars take
/// what the labels and figures leave, 8 to 60 columns; narrower than that, lines run over), Chinese labels aligned by display
/// width. Unicode draws with block characters (eighths of a cell for plain bars); ASCII with
/// `#`, `=`, `+` and `.`, for a terminal or a file that is not UTF-8.
public enum ChartRenderer {
    public enum Charset: String, Sendable, CaseIterable {
        case unicode, ascii

        /// The character set the locale names: the first of LC_ALL, LC_CTYPE and LANG that is
        /// set decides, as setlocale(3) does; UTF-8 there means Unicode, anything else ASCII.
        public static func fromLocale(_ environment: [String: String]) -> Charset {
            for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
                guard let v = environment[name], !v.isEmpty else { continue }
                let s = v.lowercased()
                return s.contains("utf-8") || s.contains("utf8") ? .unicode : .ascii
            }
            return .ascii
        }
    }

    /// The width when the output is not a terminal and COLUMNS says nothing.
    public static let defaultWidth = 80
    public static let minBar = 8
    public static let maxBar = 60

    public static func render(_ chart: Chart, width: Int = defaultWidth, charset: Charset = .unicode) -> String {
        var r = Drawing(chart: chart, charset: charset)
        return r.draw(width: width)
    }

    struct Drawing {
        let chart: Chart
        let charset: Charset
        var lines: [String] = []

        init(chart: Chart, charset: Charset) { self.chart = chart; self.charset = charset }

        var ascii: Bool { charset == .ascii }
        /// The fill of each series, strongest first.
        var fills: [String] { ascii ? ["#", "=", "+", "."] : ["█", "▓", "▒", "░"] }

        /// Series of a paired chart skip a shade, so the two bars of a row stand apart; a
        /// waterfall's totals are solid, its increases the next shade, its decreases the palest
        /// (`+` and `-` in ASCII, which say which way they go).
        func seriesFill(_ i: Int) -> String {
            if chart.kind == .waterfall { return (ascii ? ["#", "+", "-"] : ["█", "▓", "░"])[min(i, 2)] }
            return fills[min(chart.kind == .paired ? i * 2 : i, fills.count - 1)]
        }

        func plain(_ s: String) -> String { ascii ? s.replacing(" · ", with: " / ") : s }

        mutating func draw(width: Int) -> String {
            // A funnel's title already says what its bars measure.
            lines = [plain(chart.title) + (chart.kind == .funnel ? "" : " (" + chart.axis + ")")]
            guard !chart.rows.isEmpty else { return (lines + ["(no data)"]).joined(separator: "\n") }
            let sectioned = chart.rows.contains { $0.section != nil }
            let indent = sectioned ? 2 : 0
            let labels = chart.rows.map { plain($0.label) }
            let labelWidth = max(labels.map(DisplayWidth.of).max() ?? 0, 0) + indent
            let perLine = chart.kind == .paired ? 1 : chart.textColumns.count
            var textWidths: [Int] = []
            for i in 0..<perLine {
                let header = perLine > 1 ? DisplayWidth.of(chart.textColumns[i]) : 0
                let cells = chart.rows.flatMap { row in chart.kind == .paired ? row.texts : [row.texts.indices.contains(i) ? row.texts[i] : ""] }
                textWidths.append(max(header, cells.map(DisplayWidth.of).max() ?? 0))
            }
            let textsWidth = textWidths.reduce(0) { $0 + $1 + 2 }
            let marked = chart.rows.contains(where: \.marked)
            var mark = (ascii ? "<- " : "◀ ") + (chart.markText ?? "")
            // On a narrow terminal the mark is only the arrow; the note under the chart says it.
            if width - labelWidth - 2 - textsWidth - 2 - DisplayWidth.of(mark) < ChartRenderer.minBar { mark = ascii ? "<-" : "◀" }
            let markWidth = marked ? 2 + DisplayWidth.of(mark) : 0
            let bar = max(ChartRenderer.minBar, min(ChartRenderer.maxBar, width - labelWidth - 2 - textsWidth - markWidth))
            if chart.series.count > 1 {
                lines.append(chart.series.enumerated().map { "\(seriesFill($0)) \($1)" }.joined(separator: "  "))
            }
            if perLine > 1 {
                var header = String(repeating: " ", count: labelWidth + 2 + bar)
                for (i, name) in chart.textColumns.enumerated() { header += "  " + pad(name, textWidths[i]) }
                lines.append(header.trimmingTrailingSpaces())
            }
            let top = chart.top
            var section: String?
            for (row, label) in zip(chart.rows, labels) {
                if sectioned, row.section != section {
                    section = row.section
                    lines.append(plain(row.section ?? "(none)"))
                }
                let head = String(repeating: " ", count: indent) + label
                let labelCell = head + String(repeating: " ", count: labelWidth - DisplayWidth.of(head))
                switch chart.kind {
                case .paired:
                    for (i, value) in row.values.enumerated() {
                        let text = row.texts.indices.contains(i) ? row.texts[i] : ""
                        let cells = fill(value, top: top, width: bar, char: seriesFill(i), eighths: false)
                        lines.append(line(i == 0 ? labelCell : String(repeating: " ", count: labelWidth), cells, bar, [text], textWidths, nil))
                    }
                    continue
                case .funnel:
                    lines.append(line(labelCell, centred(row.values.first ?? nil, top: top, width: bar), bar, row.texts, textWidths,
                                      row.marked ? mark : nil))
                case .stacked:
                    lines.append(line(labelCell, stacked(row.values, top: top, width: bar), bar, row.texts, textWidths, nil))
                case .waterfall:
                    lines.append(line(labelCell, step(row, bottom: chart.bottom, top: top, width: bar), bar, row.texts, textWidths, nil))
                case .bars, .trend:
                    lines.append(line(labelCell, fill(row.values.first ?? nil, top: top, width: bar, char: fills[0], eighths: !ascii),
                                      bar, row.texts, textWidths, nil))
                }
            }
            if let note = chart.note { lines.append(plain(note)) }
            return lines.joined(separator: "\n")
        }

        func pad(_ s: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - DisplayWidth.of(s))) + s
        }

        func line(_ label: String, _ cells: String, _ bar: Int, _ texts: [String], _ widths: [Int], _ mark: String?) -> String {
            var out = label + "  " + cells + String(repeating: " ", count: max(0, bar - DisplayWidth.of(cells)))
            for (i, w) in widths.enumerated() { out += "  " + pad(texts.indices.contains(i) ? texts[i] : "", w) }
            if let mark { out += "  " + mark }
            return out.trimmingTrailingSpaces()
        }

        /// A bar from the left; with eighths, the last cell is a partial block.
        func fill(_ value: Double?, top: Double, width: Int, char: String, eighths: Bool) -> String {
            guard let v = value, v > 0, top > 0 else { return "" }
            let share = min(1, v / top)
            if eighths {
                let n = Int((share * Double(width * 8)).rounded())
                return String(repeating: char, count: n / 8) + ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][n % 8]
            }
            return String(repeating: char, count: Int((share * Double(width)).rounded()))
        }

        /// A bar centred in the area, at least one cell for any deal at all.
        func centred(_ value: Double?, top: Double, width: Int) -> String {
            guard let v = value, v > 0, top > 0 else { return "" }
            let n = max(1, Int((min(1, v / top) * Double(width)).rounded()))
            return String(repeating: " ", count: (width - n) / 2) + String(repeating: fills[0], count: n)
        }

        /// A waterfall row: the cells from where its span starts to where it ends, at least one
        /// for a step that moves at all, so a small movement still shows which way it went.
        func step(_ row: Chart.Row, bottom: Double, top: Double, width: Int) -> String {
            guard top > bottom, row.values.count == 2, let from = row.values[0], let to = row.values[1] else { return "" }
            let cell = { (v: Double) in Int(((v - bottom) / (top - bottom) * Double(width)).rounded()) }
            var a = cell(min(from, to)), b = cell(max(from, to))
            if b == a, from != to { if b < width { b += 1 } else { a -= 1 } }
            let char: String
            switch row.step {
            case .increase: char = seriesFill(1)
            case .decrease: char = seriesFill(2)
            case .total, nil: char = seriesFill(0)
            }
            return String(repeating: " ", count: max(0, a)) + String(repeating: char, count: max(0, b - a))
        }

        /// Segments in series order; each ends where the running total ends, so the rounding
        /// of one never moves the next.
        func stacked(_ values: [Double?], top: Double, width: Int) -> String {
            guard top > 0 else { return "" }
            var out = "", total = 0.0, drawn = 0
            for (i, v) in values.enumerated() {
                total += max(0, v ?? 0)
                let end = Int((min(1, total / top) * Double(width)).rounded())
                out += String(repeating: seriesFill(i), count: max(0, end - drawn))
                drawn = max(drawn, end)
            }
            return out
        }
    }
}
