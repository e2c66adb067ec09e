/// The pipeline report as one HTML file: inline CSS and SVG, no script, no font or image to
/// fetch, so it opens from an e-mail attachment as it is. The page is well-formed XML
/// (XHTML syntax), which a test parses. It reflows to one column on a phone and prints on
/// A4. Every figure is a cell of a section's result table, written as the table format
/// writes it, with the machine value beside it (`data-value`) and the query that printed it
/// (`data-query`).
public enum HTMLReportRenderer {
    public static func render(_ page: ReportPage) -> String {
        var h = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        h += "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        h += "<title>\(XMLText.escape(page.title))</title>\n<style>\n\(css)</style>\n</head>\n<body>\n"
        h += "<header>\n<h1>\(XMLText.escape(page.title))</h1>\n<p class=\"about\">\(XMLText.escape(page.subtitle))</p>\n"
        h += "<nav>" + page.sections.map { "<a href=\"#\(anchor($0.heading))\">\(XMLText.escape($0.heading))</a>" }.joined(separator: " ") + "</nav>\n"
        h += "</header>\n<main>\n"
        for s in page.sections {
            // Two blocks a printed page does not split: the heading with what it means and the
            // chart, then the table with its query (a heading alone at the foot of a page, or
            // a table cut from its query, reads badly on paper).
            h += "<section id=\"\(anchor(s.heading))\">\n<div class=\"head\">\n<h2>\(XMLText.escape(s.heading))</h2>\n"
            h += "<p class=\"explain\">\(XMLText.escape(s.explanation))</p>\n"
            if let chart = s.chart, !chart.rows.isEmpty {
                h += "<figure>\n" + SVGChartRenderer.render(chart, standalone: false, compact: true) + "</figure>\n"
            }
            h += "</div>\n<div class=\"result\">\n" + table(s.table, query: s.query)
            h += "<p class=\"query\">the same figures: <code>\(XMLText.escape(s.query))</code></p>\n</div>\n</section>\n"
        }
        h += "</main>\n<footer>Made by funnel. Each section is the result of the query under it; "
            + "docs/metrics.md defines every figure.</footer>\n</body>\n</html>\n"
        return h
    }

    static func anchor(_ heading: String) -> String {
        heading.lowercased().split(separator: " ").joined(separator: "-")
    }

    static func table(_ t: ResultTable, query: String) -> String {
        guard !t.rows.isEmpty else {
            return "<p class=\"empty\" data-query=\"\(XMLText.escape(query))\">none</p>\n"
        }
        let styles = ValueFormatter.styles(for: t)
        var h = "<div class=\"wrap\"><table data-query=\"\(XMLText.escape(query))\">\n<thead><tr>"
        for c in t.columns { h += "<th class=\"\(numeric(c.kind) ? "num" : "text")\">\(XMLText.escape(c.name))</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for row in t.rows {
            // A row of nothing but zeros (a movement that did not happen) stays, greyed.
            let numbers = t.columns.indices.filter { numeric(t.columns[$0].kind) && $0 < row.count }
            let zeros = !numbers.isEmpty && numbers.allSatisfy { row[$0].number == 0 }
            h += zeros ? "<tr class=\"nil\">" : "<tr>"
            for (i, c) in t.columns.enumerated() {
                let v = i < row.count ? row[i] : .null
                h += "<td class=\"\(numeric(c.kind) ? "num" : "text")\" data-column=\"\(XMLText.escape(c.name))\" "
                    + "data-value=\"\(XMLText.escape(ValueFormatter.machine(v)))\">"
                    + XMLText.escape(ValueFormatter.human(v, style: styles[i])) + "</td>"
            }
            h += "</tr>\n"
        }
        return h + "</tbody>\n</table></div>\n"
    }

    static func numeric(_ k: ColumnKind) -> Bool {
        switch k {
        case .integer, .number, .money, .rate, .days: return true
        case .text, .date, .bool: return false
        }
    }

    static let css = """
    body { font-family: \(SVGChartRenderer.fontStack); color: #222; background: #fff; margin: 0 auto;
           max-width: 980px; padding: 24px 28px; line-height: 1.45; }
    header { border-bottom: 2px solid #2f5d9e; margin-bottom: 8px; }
    h1 { font-size: 26px; margin: 0 0 4px; }
    h2 { font-size: 19px; margin: 28px 0 6px; color: #2f5d9e; }
    .about { color: #555; margin: 0 0 8px; }
    nav { margin: 0 0 10px; font-size: 14px; }
    nav a { color: #2f5d9e; margin-right: 12px; text-decoration: none; }
    .explain { color: #444; margin: 0 0 10px; font-size: 14px; }
    figure { margin: 0 0 10px; overflow-x: auto; }
    figure svg { width: 100%; max-width: 640px; height: auto; display: block; }
    .wrap { overflow-x: auto; }
    table { border-collapse: collapse; font-size: 14px; min-width: 60%; }
    th, td { padding: 4px 10px; border-bottom: 1px solid #e3e6ea; white-space: nowrap; }
    th { text-align: left; color: #555; font-weight: 600; border-bottom: 1px solid #999; }
    th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .query { color: #666; font-size: 12px; margin: 6px 0 0; }
    code { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; background: #f3f5f8; padding: 1px 4px; }
    .empty { color: #666; }
    tr.nil td { color: #aaa; }
    footer { color: #777; font-size: 12px; border-top: 1px solid #e3e6ea; margin-top: 32px; padding-top: 8px; }
    @media (max-width: 640px) {
      body { padding: 12px 10px; }
      h1 { font-size: 21px; }
      h2 { font-size: 17px; }
      table { font-size: 11px; min-width: 100%; }
      th, td { padding: 3px 4px; }
    }
    @media print {
      @page { size: A4; margin: 14mm; }
      html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      body { max-width: none; padding: 0; font-size: 11pt; }
      nav { display: none; }
      figure svg { max-width: 150mm; }
      h2 { margin-top: 18px; }
      .head, .result, figure, tr { break-inside: avoid; page-break-inside: avoid; }
      .head { break-after: avoid; page-break-after: avoid; }
      .wrap { overflow: visible; }
      table { font-size: 10pt; }
      a { color: inherit; }
    }

    """
}
