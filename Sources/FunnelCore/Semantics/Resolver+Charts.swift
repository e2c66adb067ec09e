/// The checks of `chart QUERY ... to "x.svg"`, `chart funnel ...` and `report ...`: charts are
/// written as SVG, the report as HTML, and a funnel view takes only the clauses that mean
/// something for every section it draws.
extension Resolver {
    mutating func checkChart(_ q: Query, split: CheckedQuery) throws {
        var inner = q
        if let target = q.output {
            try checkChartFile(target)
            inner.output = nil
        }
        // `chart funnel ... by amount` picks the figure; a query's `by` groups, so a waterfall
        // would become one per amount. The figure of a chart of a query is its `show`.
        if case .changes = q.verb, let g = q.groups.first(where: { $0.kind == .name("amount") || $0.kind == .name("deals") }) {
            let deals = g.kind == .name("deals")
            throw Diagnostic(.name, "E470", "chart changes is by amount (the default) or show deals; by \(file.text(g.range)) "
                             + "would group the movements", file: file, range: g.range,
                             help: deals ? "write show deals instead of by deals" : "drop by amount: a waterfall is of amount unless it says show deals")
        }
        if case .changes = q.verb, q.limit != nil {
            throw Diagnostic(.syntax, "E472", "chart changes takes no limit: a waterfall cut short does not add up to its closing",
                             file: file, range: clauseWords("limit", in: q.range, before: nil) ?? q.range,
                             help: "to leave out a part of the pipeline, filter it: chart changes ... where team = \"East\"")
        }
        if case .changes = q.verb, let shown = q.columns {
            guard shown.count == 1, shown[0].kind == .name("deals") || shown[0].kind == .name("amount") else {
                throw Diagnostic(.name, "E471", "show in chart changes names the figure of the steps: deals or amount", file: file,
                                 range: shown.count == 1 ? shown[0].range : shown[0].range.union(shown[shown.count - 1].range),
                                 help: "chart changes ... show deals (amount is the default)")
            }
            // The chart picks the figure; the report under it keeps all its columns.
            inner.columns = nil
        }
        try checkQuery(inner, split: split)
    }

    func checkChartFile(_ target: Expr) throws {
        guard case .string(let name) = target.kind else { return }
        guard name.lowercased().hasSuffix(".svg") else {
            throw Diagnostic(.name, "E490", "a chart is written as SVG: name a .svg file, not '\(name)'", file: file,
                             range: target.range, help: "for the figures themselves, drop `chart`: QUERY to \"file.csv\"")
        }
    }

    mutating func checkFunnelView(_ view: FunnelView, report: Bool) throws {
        let what = report ? "report" : "chart funnel"
        let c = view.clauses
        if let name = view.funnel { try checkFunnel(name) }
        let takes = report ? "where, during, as of and to" : "where, during, as of, by amount and to"
        // The caret is on the clause's words, not on what follows them.
        func refuse(_ clause: String, before: Int?) -> Diagnostic {
            Diagnostic(.syntax, "E492", "\(what) takes no \(clause)", file: file,
                       range: clauseWords(clause, in: c.range, before: before) ?? c.range, help: "it takes \(takes)")
        }
        if let o = c.order.first { throw refuse("order by", before: o.expr.range.start) }
        if c.limit != nil { throw refuse("limit", before: nil) }
        if let s = c.columns?.first { throw refuse("show", before: s.range.start) }
        if let g = c.groups.first {
            if report { throw refuse("by", before: g.range.start) }
            guard view.byAmount else {
                throw Diagnostic(.name, "E493", "chart funnel is by deals (the default) or by amount", file: file,
                                 range: c.groups.count > 1 ? c.groups[1].range : g.range,
                                 help: "for a funnel per group, chart conversion by \(file.text(g.range))")
            }
        }
        if let target = c.output {
            if report {
                guard case .string(let name) = target.kind, name.lowercased().hasSuffix(".html") || name.lowercased().hasSuffix(".htm") else {
                    throw Diagnostic(.name, "E491", "a report is one HTML file: name a .html file", file: file, range: target.range,
                                     help: "report to \"pipeline.html\"")
                }
            } else {
                try checkChartFile(target)
            }
        } else if report {
            throw Diagnostic(.name, "E491", "a report is written to a file: add to \"pipeline.html\"", file: file, range: c.range,
                             help: "report\(view.funnel.map { " " + $0.text } ?? "") to \"pipeline.html\"")
        }
        if let f = c.filter {
            if let n = ResultColumns.names(in: f).first(where: { ResultColumns.of(.conversion).map(\.name).contains($0) }) {
                throw Diagnostic(.name, "E494", "the where of \(what) filters deals; '\(n)' is a figure of the report", file: file,
                                 range: f.range, help: "name deal fields, such as owner, team or amount")
            }
            try expectBool(f, .deal, what: "a where condition")
        }
        if let w = c.during { try checkWindow(w) }
        if let a = c.asOf {
            guard try type(of: a, .deal) == .date else {
                throw Diagnostic(.type, "E316", "as of needs a date, like 2026-03-31", file: file, range: a.range)
            }
        }
    }

    /// Where the words of a clause (`order by`, `limit`) stand in a range: the last time they
    /// do before `before`, else the first time in the range. Only an error needs it, so the
    /// statement's words are read again rather than kept by the parser.
    func clauseWords(_ clause: String, in range: SourceRange, before: Int?) -> SourceRange? {
        let words = clause.split(separator: " ").map(String.init)
        let tokens = Lexer.tokenize(file).tokens.filter { $0.range.start >= range.start && $0.range.end <= range.end }
        var found: SourceRange?
        for i in tokens.indices where i + words.count <= tokens.count {
            guard words.indices.allSatisfy({ tokens[i + $0].keyword == words[$0] }) else { continue }
            if let before, tokens[i].range.start >= before { break }
            found = SourceRange(tokens[i].range.start, tokens[i + words.count - 1].range.end)
            if before == nil { break }
        }
        return found
    }
}
