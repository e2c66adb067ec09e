/// A chart as one standalone SVG file: title, legend, the axis names, the figures written on
/// the bars, no external resource (no font files, no images, no scripts). Text uses a font
/// stack that has Chinese glyphs on every common system. Widths of text are estimated from
/// display width, since an SVG file cannot measure its own text.
public enum SVGChartRenderer {
    public static let width = 760.0
    public static let fontStack = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB',"
        + "'Microsoft YaHei','WenQuanYi Micro Hei','Helvetica Neue',Arial,sans-serif"
    /// Series colours, strongest first; the mark of a funnel's biggest drop.
    static let colours = ["#2f5d9e", "#5b8fd6", "#9cc0ea", "#d5dde8"]
    static let stackColours = ["#2e7d4f", "#2f5d9e", "#7fa9de", "#d5dde8"]
    static let pairColours = ["#2f5d9e", "#e39b3b"]
    /// A waterfall's totals, increases and decreases.
    static let stepColours = ["#2f5d9e", "#2e7d4f", "#c0392b"]
    static let markColour = "#c0392b"

    /// The chart as a file (`standalone`) or as an element to put inside an HTML page.
    /// `compact` (the report's charts, with their table under them): narrower, and the figures
    /// only on the bars, so the text stays legible on a phone.
    public static func render(_ chart: Chart, standalone: Bool = true, compact: Bool = false) -> String {
        var d = Drawing(chart: chart, width: compact ? 480 : width, figureColumns: !compact)
        let body = d.draw()
        let head = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        let size = standalone ? " width=\"\(n(d.width))\" height=\"\(n(d.height))\"" : ""
        return head + "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(d.width)) \(n(d.height))\"\(size)"
            + " role=\"img\" aria-label=\"\(XMLText.escape(chart.title))\" font-family=\"\(XMLText.escape(fontStack))\">\n"
            + body + "</svg>\n"
    }

    /// A coordinate with at most one decimal, so the files are stable and short.
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Pixels a text takes at a font size: a narrow character about 0.58 em, a wide one 1 em.
    static func textWidth(_ s: String, size: Double) -> Double {
        var w = 0.0
        for u in s.unicodeScalars { w += DisplayWidth.of(u) == 2 ? size : size * 0.58 }
        return w
    }

    struct Drawing {
        let chart: Chart
        var out = ""
        var height = 0.0
        let margin = 20.0
        let width: Double
        /// The row's figures in columns on the right; without them, only what is on the bars.
        let figureColumns: Bool

        init(chart: Chart, width: Double, figureColumns: Bool) {
            self.chart = chart; self.width = width; self.figureColumns = figureColumns
        }

        /// Whether the right-hand columns add anything to the figures on the bars.
        var showsColumns: Bool {
            guard figureColumns else { return false }
            switch chart.kind {
            case .funnel, .stacked, .waterfall: return true
            case .paired, .trend: return false
            case .bars: return chart.textColumns.count > 1
            }
        }

        mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", weight: String? = nil,
                           fill: String = "#222", extra: String = "") {
            out += "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\""
                + (anchor == "start" ? "" : " text-anchor=\"\(anchor)\"")
                + (weight.map { " font-weight=\"\($0)\"" } ?? "") + " fill=\"\(fill)\"\(extra)>\(XMLText.escape(s))</text>\n"
        }

        mutating func rect(x: Double, y: Double, w: Double, h: Double, fill: String, title: String? = nil) {
            guard w > 0, h > 0 else { return }
            out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(fill)\""
            if let title { out += "><title>\(XMLText.escape(title))</title></rect>\n" } else { out += "/>\n" }
        }

        /// A legend's square, outlined so the palest colour still shows on white.
        mutating func swatch(x: Double, y: Double, fill: String) {
            out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"12\" height=\"12\" fill=\"\(fill)\" stroke=\"#8a96a8\" stroke-width=\"0.5\"/>\n"
        }

        mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, colour: String = "#888") {
            out += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(colour)\" stroke-width=\"1\"/>\n"
        }

        var colours: [String] {
            switch chart.kind {
            case .stacked: return SVGChartRenderer.stackColours
            case .paired: return SVGChartRenderer.pairColours
            case .waterfall: return SVGChartRenderer.stepColours
            default: return SVGChartRenderer.colours
            }
        }

        func tick(_ v: Double) -> String {
            ValueFormatter.human(.number(v), kind: chart.valueKind == .integer && v != v.rounded() ? .days : chart.valueKind)
        }

        mutating func draw() -> String {
            out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"HEIGHT\" fill=\"#ffffff\"/>\n"
            text(chart.title, x: margin, y: 30, size: 17, weight: "bold")
            var y = 52.0
            // The legend: one swatch per series.
            var x = margin
            for (i, name) in chart.series.enumerated() {
                swatch(x: x, y: y - 10, fill: colours[min(i, colours.count - 1)])
                text(name, x: x + 17, y: y, size: 12, fill: "#444")
                x += 17 + SVGChartRenderer.textWidth(name, size: 12) + 18
            }
            if chart.kind == .funnel, chart.rows.contains(where: \.marked), let m = chart.markText {
                swatch(x: x, y: y - 10, fill: SVGChartRenderer.markColour)
                text(m, x: x + 17, y: y, size: 12, fill: "#444")
            }
            y += 22
            if chart.rows.isEmpty {
                text("no data", x: margin, y: y + 14, size: 13, fill: "#666")
                y += 30
            } else if chart.kind == .trend {
                y = columns(from: y)
            } else {
                y = horizontal(from: y)
            }
            if let note = chart.note {
                text(note, x: margin, y: y + 4, size: 12, fill: "#444")
                y += 20
            }
            height = y + 8
            out = out.replacing("height=\"HEIGHT\"", with: "height=\"\(n(height))\"")
            return out
        }

        /// Bars from the left (centred for a funnel), one row per result row, the row's figures
        /// in columns on the right.
        mutating func horizontal(from top: Double) -> Double {
            let w = width
            let labelWidth = min(220, (chart.rows.map { SVGChartRenderer.textWidth($0.label, size: 13) }.max() ?? 40) + 14)
            let sectioned = chart.rows.contains { $0.section != nil }
            let indent = sectioned ? 12.0 : 0
            // The figure columns, right-aligned at the right margin.
            var textWidths = showsColumns ? chart.textColumns.map { SVGChartRenderer.textWidth($0, size: 11) } : []
            for row in chart.rows {
                for (i, t) in row.texts.enumerated() where i < textWidths.count {
                    textWidths[i] = max(textWidths[i], SVGChartRenderer.textWidth(t, size: 12))
                }
            }
            let gap = 14.0
            let textsWidth = textWidths.reduce(0) { $0 + $1 + gap }
            let barX = margin + indent + labelWidth
            // Room after the longest bar for the figure written beside it.
            let beside = chart.kind == .funnel ? 0 : 56.0
            let barWidth = max(120, w - margin - textsWidth - barX - 8 - beside)
            var y = top
            // Column headings: what the rows are, and each figure.
            text(chart.labelAxis, x: margin, y: y, size: 11, fill: "#666")
            var right = w - margin
            var ends: [Double] = []
            for i in textWidths.indices.reversed() {
                ends.insert(right, at: 0)
                right -= textWidths[i] + gap
            }
            for (i, end) in ends.enumerated() where i < chart.textColumns.count {
                text(chart.textColumns[i], x: end, y: y, size: 11, anchor: "end", fill: "#666")
            }
            y += 10
            let top = chart.top, bottom = chart.bottom
            let rowHeight = chart.kind == .paired ? 34.0 : 28.0
            var section: String?
            for (index, row) in chart.rows.enumerated() {
                if sectioned, row.section != section {
                    section = row.section
                    y += 6
                    text(row.section ?? "(none)", x: margin, y: y + 14, size: 13, weight: "bold")
                    y += 22
                }
                let mid = y + rowHeight / 2
                text(row.label, x: margin + indent, y: mid + 4.5, size: 13)
                for (i, t) in row.texts.enumerated() where i < ends.count {
                    text(t, x: ends[i], y: mid + 4.5, size: 12, anchor: "end", weight: row.marked && i == 2 ? "bold" : nil,
                         fill: row.marked && i == 2 ? SVGChartRenderer.markColour : "#222")
                }
                let scale = top > 0 ? barWidth / top : 0
                switch chart.kind {
                case .funnel:
                    let v = max(0, row.values.first.flatMap { $0 } ?? 0)
                    let bw = v > 0 ? max(2, min(barWidth, v * scale)) : 0
                    let bx = barX + (barWidth - bw) / 2
                    rect(x: bx, y: y + 3, w: bw, h: rowHeight - 6, fill: row.marked ? SVGChartRenderer.markColour : colours[0],
                         title: "\(row.label): \(row.texts.first ?? "")")
                    let value = row.texts.first ?? ""
                    let inside = SVGChartRenderer.textWidth(value, size: 12) + 8 < bw
                    text(value, x: inside ? barX + barWidth / 2 : bx + bw + 4, y: mid + 4.5, size: 12,
                         anchor: inside ? "middle" : "start", weight: "bold", fill: inside ? "#ffffff" : "#222")
                case .stacked:
                    var x = barX
                    for (i, v) in row.values.enumerated() {
                        let bw = max(0, (v ?? 0) * scale)
                        rect(x: x, y: y + 4, w: bw, h: rowHeight - 8, fill: colours[min(i, colours.count - 1)],
                             title: "\(row.label) · \(chart.series[min(i, chart.series.count - 1)])")
                        // Closed and commit are figures of the query; the other two segments are
                        // differences of its figures, so they are read from the columns.
                        if i < 2, i < row.texts.count, SVGChartRenderer.textWidth(row.texts[i], size: 11) + 8 < bw {
                            text(row.texts[i], x: x + bw / 2, y: mid + 4, size: 11, anchor: "middle", fill: "#ffffff")
                        }
                        x += bw
                    }
                case .paired:
                    let h = (rowHeight - 8) / 2
                    for (i, v) in row.values.enumerated() {
                        let by = y + 4 + Double(i) * h
                        let bw = max(0, (v ?? 0) * scale)
                        rect(x: barX, y: by, w: bw, h: h - 1, fill: colours[min(i, colours.count - 1)])
                        let t = row.texts.indices.contains(i) ? row.texts[i] : ""
                        text(t, x: barX + bw + 4, y: by + h - 3, size: 10, fill: "#444")
                    }
                case .waterfall:
                    guard row.values.count == 2, let from = row.values[0], let to = row.values[1], top > bottom else { break }
                    let at = { (v: Double) in barX + (v - bottom) / (top - bottom) * barWidth }
                    let x0 = at(min(from, to)), x1 = at(max(from, to))
                    let bw = from == to ? 0 : max(2, x1 - x0)
                    let colour = colours[row.step == .increase ? 1 : row.step == .decrease ? 2 : 0]
                    rect(x: x0, y: y + 4, w: bw, h: rowHeight - 8, fill: colour,
                         title: "\(row.label): \(row.texts.joined(separator: " deals, "))")
                    let value = row.texts.indices.contains(chart.measuredText) ? row.texts[chart.measuredText] : ""
                    text(value, x: x0 + bw + 4, y: mid + 4, size: 11, fill: "#444")
                    // The running total carries on into the next row of the same group.
                    if index + 1 < chart.rows.count, chart.rows[index + 1].section == row.section {
                        out += "<line x1=\"\(n(at(to)))\" y1=\"\(n(y + rowHeight - 4))\" x2=\"\(n(at(to)))\" "
                            + "y2=\"\(n(y + rowHeight + 4))\" stroke=\"#888\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>\n"
                    }
                case .bars, .trend:
                    let bw = max(0, (row.values.first.flatMap { $0 } ?? 0) * scale)
                    rect(x: barX, y: y + 4, w: min(barWidth, bw), h: rowHeight - 8, fill: colours[0])
                    if let t = row.texts.first { text(t, x: barX + min(barWidth, bw) + 4, y: mid + 4, size: 11, fill: "#444") }
                }
                y += rowHeight
            }
            // The value axis under the bars, with its name.
            y += 4
            if chart.kind == .funnel {
                text(chart.axis + " (bar width)", x: barX + barWidth / 2, y: y + 14, size: 11, anchor: "middle", fill: "#666")
            } else {
                line(barX, y, barX + barWidth, y)
                for f in [0.0, 0.5, 1.0] {
                    // A count has no half deal: the middle tick goes where it would not be whole.
                    let v = bottom + (top - bottom) * f
                    if chart.valueKind == .integer, v != v.rounded() { continue }
                    line(barX + barWidth * f, y, barX + barWidth * f, y + 4)
                    text(tick(v), x: barX + barWidth * f, y: y + 16, size: 10, anchor: f == 0 ? "start" : f == 1 ? "end" : "middle",
                         fill: "#666")
                }
                text(chart.axis, x: barX + barWidth / 2, y: y + 32, size: 11, anchor: "middle", fill: "#666")
                y += 16
            }
            return y + 26
        }

        /// One column per period, in time order, the figure above each; the periods along the
        /// bottom, slanted when there are many.
        mutating func columns(from top: Double) -> Double {
            let w = width
            let plotX = margin + 64, plotW = w - margin - plotX, plotH = 240.0
            let y0 = top + 10, base = y0 + plotH
            let high = chart.top
            for f in [0.0, 0.25, 0.5, 0.75, 1.0] {
                let gy = base - plotH * f
                line(plotX, gy, plotX + plotW, gy, colour: f == 0 ? "#888" : "#e3e6ea")
                text(tick(high * f), x: plotX - 6, y: gy + 4, size: 10, anchor: "end", fill: "#666")
            }
            let count = Double(chart.rows.count)
            let slot = plotW / max(1, count)
            let colW = min(46, slot * 0.7)
            let slanted = chart.rows.count > 12
            for (i, row) in chart.rows.enumerated() {
                let cx = plotX + slot * (Double(i) + 0.5)
                let v = max(0, row.values.first.flatMap { $0 } ?? 0)
                let h = high > 0 ? plotH * min(1, v / high) : 0
                rect(x: cx - colW / 2, y: base - h, w: colW, h: h, fill: colours[0], title: "\(row.label): \(row.texts.first ?? "")")
                if let t = row.texts.first, !slanted || chart.rows.count <= 24 {
                    text(t, x: cx, y: base - h - 4, size: slanted ? 8 : 10, anchor: "middle", fill: "#333")
                }
                if slanted {
                    text(row.label, x: cx, y: base + 12, size: 10, anchor: "end", fill: "#333",
                         extra: " transform=\"rotate(-45 \(n(cx)) \(n(base + 12)))\"")
                } else {
                    text(row.label, x: cx, y: base + 16, size: 11, anchor: "middle", fill: "#333")
                }
            }
            let labelsBottom = base + (slanted ? 62 : 22)
            text(chart.labelAxis, x: plotX + plotW / 2, y: labelsBottom + 14, size: 11, anchor: "middle", fill: "#666")
            let my = y0 + plotH / 2
            text(chart.axis, x: margin + 4, y: my, size: 11, anchor: "middle", fill: "#666",
                 extra: " transform=\"rotate(-90 \(n(margin + 4)) \(n(my)))\"")
            return labelsBottom + 30
        }
    }
}
