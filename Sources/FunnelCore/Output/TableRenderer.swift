/// The aligned plain-text table of the REPL and scripts:
/// ```
/// stage        deals   amount  weighted
/// -----------  -----  -------  --------
/// Proposal         2  220,000   110,000
/// -----------  -----  -------  --------
/// total            2  220,000   110,000
/// ```
/// Widths are terminal columns (`DisplayWidth`), so Chinese stage names line up; figures
/// are right-aligned so their digits line up.
public enum TableRenderer {
    /// Narrowest a text column is squeezed to: below this a name stops being recognisable.
    /// A column is never squeezed below its header either, so a header is never cut.
    static let minimumTextWidth = 8

    /// Lines are joined with `\n` and the last one has no newline: the caller decides how
    /// results are separated. `maxWidth` is the terminal width, when there is one.
    ///
    /// At a terminal a table is cut to fit and never left for the terminal to wrap (one
    /// behaviour, not both): text columns are cut with `…`, widest first, down to 8 columns
    /// or their header's width; if it is still too wide, the columns that do not fit are left
    /// out from the right, shown as one `…` column, and a last line names them. The first
    /// column always stays, so only a first column wider than the terminal wraps.
    public static func render(_ t: ResultTable, maxWidth: Int? = nil, widths fixed: [Int] = []) -> String {
        guard !t.columns.isEmpty else { return "" }
        let cells = ValueFormatter.humanCells(t)
        var widths = columnWidths(t, cells: cells, fixed: fixed)
        var shown = t.columns.count
        if let maxWidth {
            let shrinkable = t.columns.indices.map { t.columns[$0].kind == .text && !(fixed.indices.contains($0) && fixed[$0] > 0) }
            let floors = t.columns.indices.map { max(minimumTextWidth, DisplayWidth.of(cells.header[$0])) }
            let natural = widths
            shrink(&widths, shrinkable: shrinkable, floors: floors, toFit: maxWidth)
            // Leaving columns out adds the `…` column: two spaces and one column.
            while shown > 1 && tableWidth(widths) + (shown < t.columns.count ? 3 : 0) > maxWidth {
                shown -= 1
                widths = Array(natural[..<shown])
                shrink(&widths, shrinkable: shrinkable, floors: floors, toFit: maxWidth - 3)
            }
        }
        let rightAligned = t.columns.map { isNumeric($0.kind) }
        let omitted = t.columns.count - shown

        func line(_ row: [String], more: String) -> String {
            var out = ""
            for i in widths.indices {
                if i > 0 { out += "  " }
                let text = truncate(row[i], to: widths[i])
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(text)))
                out += rightAligned[i] ? pad + text : text + pad
            }
            if omitted > 0 { out += "  " + more }
            while out.last == " " { out.removeLast() }
            return out
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + (omitted > 0 ? "  -" : "")
        var lines = [line(cells.header, more: "…"), rule] + cells.rows.map { line($0, more: "…") }
        if let total = cells.total { lines += [rule, line(total, more: "…")] }
        if omitted > 0, let maxWidth {
            let names = t.columns[shown...].map(\.name).joined(separator: ", ")
            let note = "(\(omitted) column\(omitted == 1 ? "" : "s") not shown: \(names); use show, .mode line or a wider terminal)"
            lines.append(truncate(note, to: max(maxWidth, minimumTextWidth)))
        }
        return lines.joined(separator: "\n")
    }

    static func tableWidth(_ widths: [Int]) -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }

    /// Each column as wide as its widest cell, or as `.width` says: a text or date column
    /// takes the width given (cut with `…`), a figure at least its own width.
    static func columnWidths(_ t: ResultTable, cells: (header: [String], rows: [[String]], total: [String]?), fixed: [Int]) -> [Int] {
        let all = [cells.header] + cells.rows + (cells.total.map { [$0] } ?? [])
        return t.columns.indices.map { i in
            let natural = max(1, all.map { DisplayWidth.of($0[i]) }.max() ?? 0)
            guard fixed.indices.contains(i), fixed[i] > 0 else { return natural }
            return isNumeric(t.columns[i].kind) ? max(natural, fixed[i]) : fixed[i]
        }
    }

    static func isNumeric(_ kind: ColumnKind) -> Bool {
        switch kind {
        case .integer, .number, .money, .rate, .days: return true
        case .text, .date, .bool: return false
        }
    }

    /// Takes width from the widest text column first, since that is where the slack
    /// usually is, down to its floor; figures and dates are never cut because a partial
    /// number misleads.
    static func shrink(_ widths: inout [Int], shrinkable: [Bool], floors: [Int], toFit maxWidth: Int) {
        var excess = tableWidth(widths) - maxWidth
        while excess > 0 {
            var widest: Int?
            var runnerUp = 0
            for i in widths.indices where shrinkable[i] && widths[i] > floors[i] {
                if let w = widest, widths[w] >= widths[i] {
                    runnerUp = max(runnerUp, widths[i])
                } else {
                    if let w = widest { runnerUp = max(runnerUp, widths[w]) }
                    widest = i
                }
            }
            guard let w = widest else { return }
            let step = max(1, min(excess, widths[w] - max(runnerUp, floors[w])))
            widths[w] -= step
            excess -= step
        }
    }

    /// Cuts at a character boundary and marks the cut with `…`; a wide character that
    /// would straddle the edge is dropped whole, leaving the cell one column short.
    static func truncate(_ s: String, to width: Int) -> String {
        guard DisplayWidth.of(s) > width else { return s }
        let room = width - 1
        var out = ""
        var used = 0
        for ch in s {
            let w = DisplayWidth.of(String(ch))
            if used + w > room { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }
}
