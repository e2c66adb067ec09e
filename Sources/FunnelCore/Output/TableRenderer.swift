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
    /// Narrowest a text column is squeezed to: below this a name stops being recognisable,
    /// and a table wider than the terminal is better than a table of ellipses.
    static let minimumTextWidth = 8

    /// Lines are joined with `\n` and the last one has no newline: the caller decides how
    /// results are separated. `maxWidth` is the terminal width, when there is one.
    public static func render(_ t: ResultTable, maxWidth: Int? = nil, widths fixed: [Int] = []) -> String {
        guard !t.columns.isEmpty else { return "" }
        let cells = ValueFormatter.humanCells(t)
        var widths = columnWidths(t, cells: cells, fixed: fixed)
        if let maxWidth {
            shrink(&widths, shrinkable: t.columns.indices.map { t.columns[$0].kind == .text && !(fixed.indices.contains($0) && fixed[$0] > 0) },
                   toFit: maxWidth)
        }
        let rightAligned = t.columns.map { isNumeric($0.kind) }

        func line(_ row: [String]) -> String {
            var out = ""
            for i in widths.indices {
                if i > 0 { out += "  " }
                let text = truncate(row[i], to: widths[i])
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(text)))
                out += rightAligned[i] ? pad + text : text + pad
            }
            while out.last == " " { out.removeLast() }
            return out
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        var lines = [line(cells.header), rule] + cells.rows.map(line)
        if let total = cells.total { lines += [rule, line(total)] }
        return lines.joined(separator: "\n")
    }

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
    /// usually is; figures and dates are never cut because a partial number misleads.
    static func shrink(_ widths: inout [Int], shrinkable: [Bool], toFit maxWidth: Int) {
        var excess = widths.reduce(0, +) + 2 * (widths.count - 1) - maxWidth
        while excess > 0 {
            var widest: Int?
            var runnerUp = minimumTextWidth
            for i in widths.indices where shrinkable[i] && widths[i] > minimumTextWidth {
                if let w = widest, widths[w] >= widths[i] {
                    runnerUp = max(runnerUp, widths[i])
                } else {
                    if let w = widest { runnerUp = max(runnerUp, widths[w]) }
                    widest = i
                }
            }
            guard let w = widest else { return }
            let step = max(1, min(excess, widths[w] - runnerUp))
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
