/// The checks of `chart QUERY ... to "x.svg"`, `chart funnel ...` and `report ...`: charts are
/// written as SVG, the report as HTML, and a funnel view takes only the clauses that mean
/// something for every section it draws.
extension Resolver {
    mutating func checkChart(_ q: Query) throws {
        var inner = q
        if let target = q.output {
            try checkChartFile(target)
            inner.output = nil
        }
        try checkQuery(inner)
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
        func refuse(_ clause: String, _ range: SourceRange) -> Diagnostic {
            Diagnostic(.syntax, "E492", "\(what) takes no \(clause)", file: file, range: range, help: "it takes \(takes)")
        }
        if let o = c.order.first { throw refuse("order by", o.expr.range) }
        if c.limit != nil { throw refuse("limit", c.range) }
        if let s = c.columns?.first { throw refuse("show", s.range) }
        if let g = c.groups.first {
            if report { throw refuse("by", g.range) }
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
}
