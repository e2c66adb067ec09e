/// `chart funnel ...` and `chart QUERY`: which figures of a query's result a chart draws.
/// A chart is a view of a result table, so every other output format prints the table, and
/// each bar's words are the table's own cells.
enum Charts {
    /// The figure each report is about; `show COLUMN` on the query picks another.
    static func headline(_ verb: QueryVerb) -> String? { verb.spec.chartHeadline }

    static func chart(_ q: Query, table: ResultTable, file: SourceFile) throws -> Chart {
        let spec = q.verb.spec
        let metricNames = Set(ResultColumns.of(q.verb).map(\.name))
        guard !metricNames.isEmpty else {
            throw Diagnostic(.runtime, "R140", "cannot chart '\(q.verb.name)': it has no figure per group", file: file, range: q.range,
                             help: "chart an aggregate: chart pipeline, chart forecast by team, chart count deals by stage")
        }
        let title = Self.title(q, file: file)
        if spec.kind == .changes { return try waterfall(table, q: q, title: title, file: file) }
        if let shown = q.columns {
            guard shown.count == 1, case .name(let n) = shown[0].kind, metricNames.contains(n) else {
                throw Diagnostic(.runtime, "R141", "show in a chart names one result column", file: file,
                                 range: shown.first?.range ?? q.range,
                                 help: "one of: " + ResultColumns.of(q.verb).map(\.name).joined(separator: ", "))
            }
            return try bars(table, value: n, title: title, trend: isTrend(q), stageRows: spec.stageRows, q: q, file: file)
        }
        switch spec.kind {
        case .forecast: return forecast(table, title: title)
        case .conversion: return conversion(table, title: title)
        case .timeInStage: return timeInStage(table, title: title)
        default:
            return try bars(table, value: headline(q.verb), title: title, trend: isTrend(q), stageRows: spec.stageRows, q: q,
                            file: file)
        }
    }

    /// Whether the query's one `by` is a date bucket: its rows are periods, in time order.
    static func isTrend(_ q: Query) -> Bool {
        guard q.groups.count == 1, case .member(_, let part) = q.groups[0].kind else { return false }
        return ["week", "month", "quarter", "year"].contains(part.text.lowercased())
    }

    /// The query as written, without its `to "file.svg"`.
    static func title(_ q: Query, file: SourceFile) -> String {
        guard let out = q.output else { return file.text(q.range) }
        let before = file.text(SourceRange(q.range.start, out.range.start))
        var head = before.trimmingTrailingSpaces()
        if head.lowercased().hasSuffix("to") { head.removeLast(2) }
        return (head.trimmingTrailingSpaces() + file.text(SourceRange(out.range.end, q.range.end))).trimmingTrailingSpaces()
    }

    // MARK: - Kinds

    static func bars(_ t: ResultTable, value wanted: String?, title: String, trend: Bool, stageRows: Bool, q: Query,
                     file: SourceFile) throws -> Chart {
        guard let wanted, let v = t.columns.firstIndex(where: { $0.name == wanted }) else {
            throw Diagnostic(.runtime, "R140", "cannot chart '\(q.verb.name)'", file: file, range: q.range,
                             help: "chart one of its figures with show: chart \(q.verb.name) show COLUMN")
        }
        let labels = labelColumns(t, q.verb)
        let cells = Cells(t)
        let rows = t.rows.map { row in
            let (section, label) = stageRows ? sectionAndStage(row, labels, cells) : (nil, joinedLabel(row, labels, cells))
            return Chart.Row(section: section, label: label.isEmpty ? t.columns[v].name : label,
                             values: [row[v].number], texts: [cells.text(row, v)])
        }
        let kind = t.columns[v].kind
        var chart = Chart(kind: trend ? .trend : .bars, title: title, axis: wanted + (kind == .rate ? " in %" : ""),
                          labelAxis: labels.map { t.columns[$0].name }.joined(separator: " · "), series: [wanted],
                          textColumns: [wanted], rows: rows, scaleMax: kind == .rate ? maxRate(rows) : nil, table: t)
        chart.valueKind = kind
        return chart
    }

    /// Closed, commit, best case and the rest of the open pipeline, stacked: the four add up to
    /// closed + amount, and each row's words are the forecast's own columns.
    static func forecast(_ t: ResultTable, title: String) -> Chart {
        let cells = Cells(t)
        let col = { (n: String) in t.columns.firstIndex { $0.name == n } ?? 0 }
        let closed = col("closed"), commit = col("commit"), best = col("best_case"), amount = col("amount")
        let labels = labelColumns(t, .forecast)
        let rows = t.rows.map { row -> Chart.Row in
            let n = { (i: Int) in row[i].number ?? 0 }
            let label = joinedLabel(row, labels, cells)
            return Chart.Row(label: label.isEmpty ? "all" : label,
                             values: [n(closed), n(commit), n(best) - n(commit), n(amount) - n(best)],
                             texts: [closed, commit, best, amount].map { cells.text(row, $0) })
        }
        var chart = Chart(kind: .stacked, title: title, axis: "amount",
                          labelAxis: labels.map { t.columns[$0].name }.joined(separator: " · "),
                          series: ["closed", "commit", "best case", "rest of pipeline"],
                          textColumns: ["closed", "commit", "best_case", "amount"], rows: rows, table: t)
        chart.valueKind = .money
        return chart
    }

    /// The share of each group's cohort that reached each stage (100% = the first stage),
    /// with how many reached it and how many went on.
    static func conversion(_ t: ResultTable, title: String) -> Chart {
        let cells = Cells(t)
        let labels = labelColumns(t, .conversion)
        let col = { (n: String) in t.columns.firstIndex { $0.name == n } ?? 0 }
        let reached = col("reached"), next = col("next_rate"), cumulative = col("cumulative_rate")
        let rows = t.rows.map { row -> Chart.Row in
            let (section, stage) = sectionAndStage(row, labels, cells)
            return Chart.Row(section: section, label: stage, values: [row[cumulative].number],
                             texts: [cells.text(row, cumulative), cells.text(row, reached), cells.text(row, next)])
        }
        var chart = Chart(kind: .bars, title: title, axis: "cumulative_rate in %", labelAxis: "stage", series: ["cumulative_rate"],
                          textColumns: ["cumulative_rate", "reached", "next_rate"], rows: rows, scaleMax: 1, table: t)
        chart.valueKind = .rate
        return chart
    }

    /// Average and median days per stage, side by side.
    static func timeInStage(_ t: ResultTable, title: String) -> Chart {
        let cells = Cells(t)
        let labels = labelColumns(t, .timeInStage)
        let col = { (n: String) in t.columns.firstIndex { $0.name == n } ?? 0 }
        let avg = col("avg_days"), median = col("median_days")
        let rows = t.rows.map { row -> Chart.Row in
            let (section, stage) = sectionAndStage(row, labels, cells)
            return Chart.Row(section: section, label: stage, values: [row[avg].number, row[median].number],
                             texts: [cells.text(row, avg), cells.text(row, median)])
        }
        var chart = Chart(kind: .paired, title: title, axis: "days", labelAxis: "stage", series: ["avg_days", "median_days"],
                          textColumns: ["avg_days", "median_days"], rows: rows, table: t)
        chart.valueKind = .days
        return chart
    }

    // MARK: - The waterfall

    /// `chart changes since D | during W [by DIM] [show deals]`: the `changes` report as a
    /// waterfall, by amount unless `show deals` says. The opening and closing bars stand on
    /// zero; each movement floats from where the running total stood, up for an inflow, down
    /// for an outflow, so the last step ends where the closing bar does (the report's
    /// opening + movements = closing). Movements with no deal are left out; by deals, so are
    /// `increased` and `decreased`, whose deals stay and do not move the count.
    static func waterfall(_ t: ResultTable, q: Query, title: String, file: SourceFile) throws -> Chart {
        var measure = "amount"
        if let shown = q.columns {
            guard shown.count == 1, case .name(let n) = shown[0].kind, n == "deals" || n == "amount" else {
                throw Diagnostic(.runtime, "R141", "show in a chart of changes names deals or amount", file: file,
                                 range: shown.first?.range ?? q.range, help: "a waterfall is by amount unless it says: show deals")
            }
            measure = n
        }
        let byDeals = measure == "deals"
        let cells = Cells(t)
        let col = { (n: String) in t.columns.firstIndex { $0.name == n } ?? 0 }
        let movement = col("movement"), deals = col("deals"), amount = col("amount"), value = byDeals ? deals : amount
        // The `by` groups are the columns before the movement: each group a waterfall of its own.
        let groups = Array(0..<movement)
        var rows: [Chart.Row] = []
        var running = 0.0
        var section: String?
        var unmoved = false, amountOnly = false
        for row in t.rows {
            let group = groups.isEmpty ? nil : joinedLabel(row, groups, cells)
            if rows.isEmpty || group != section { section = group; running = 0 }
            let name = cells.text(row, movement)
            let v = row[value].number ?? 0
            let texts = [cells.text(row, deals), cells.text(row, amount)]
            if name == "opening" || name == "closing" {
                running = v
                rows.append(Chart.Row(section: group, label: name, values: [0, v], texts: texts, step: .total))
                continue
            }
            let count = row[deals].number ?? 0
            if count == 0 && (row[amount].number ?? 0) == 0 { unmoved = true; continue }
            if byDeals && (name == "increased" || name == "decreased") { amountOnly = true; continue }
            rows.append(Chart.Row(section: group, label: name, values: [running, running + v], texts: texts,
                                  step: v < 0 || (v == 0 && count < 0) ? .decrease : .increase))
            running += v
        }
        let note: String?
        switch (unmoved, amountOnly) {
        case (true, true): note = "not drawn: movements with no deal, and increased and decreased (amount only)"
        case (true, false): note = "movements with no deal are not drawn"
        case (false, true): note = "not drawn: increased and decreased (amount only)"
        case (false, false): note = nil
        }
        var chart = Chart(kind: .waterfall, title: title, axis: measure, labelAxis: "movement",
                          series: ["total", "increase", "decrease"], textColumns: ["deals", "amount"], rows: rows,
                          note: note, table: t)
        chart.valueKind = byDeals ? .integer : .money
        return chart
    }

    // MARK: - The funnel

    /// `chart funnel [F] [where C] [during W] [as of D] [by amount]`: the `conversion` report
    /// of the funnel's deals (every funnel's when none is named), one centred bar per stage,
    /// the won stage last; each bar as wide as the deals (or the amount) that reached it.
    static func funnel(_ view: FunnelView, runner: QueryRunner, file: SourceFile) throws -> Chart {
        var amountRunner = runner
        amountRunner.withReachedAmount = true
        let table = try amountRunner.run(conversionQuery(view, catalog: runner.ctx.state.catalog))
        return funnelChart(table, view: view, catalog: runner.ctx.state.catalog, file: file)
    }

    /// The conversion query a funnel view runs: the view's clauses, its funnel's deals.
    static func conversionQuery(_ view: FunnelView, catalog: Catalog) -> Query {
        var q = view.clauses
        q.verb = .conversion
        q.groups = []
        q.output = nil
        if let name = view.funnel {
            let r = SourceRange(0, 0)
            let own = Expr(.binary(.eq, Expr(.name("funnel"), r), Expr(.string(catalog.funnels[name.text]?.name ?? name.text), r)), r)
            q.filter = q.filter.map { Expr(.binary(.and, own, $0), $0.range) } ?? own
        }
        return q
    }

    static func funnelChart(_ table: ResultTable, view: FunnelView, catalog: Catalog, file: SourceFile) -> Chart {
        var t = table
        if let name = view.funnel, let f = catalog.funnels[name.text] {
            // A named funnel shows its own stages only: the stage rows list every funnel's.
            let own = Set(f.stages.filter { $0.kind != .lost }.map(\.name))
            t.rows = t.rows.filter { if case .text(let s) = $0[0] { return own.contains(s) } else { return false } }
        }
        let cells = Cells(t)
        let col = { (n: String) in t.columns.firstIndex { $0.name == n } ?? 0 }
        let reached = col("reached"), amount = col("reached_amount"), next = col("next_rate"), lost = col("lost")
        // A drop is deals lost: the deals of a stage that are still open in it have not
        // dropped out, they have not decided yet, so a stage that lost none is no drop however
        // low its next_rate (the last open stage of a young funnel, whose deals are all still
        // open, would otherwise always be). Among the stages that lost deals, the lowest
        // next_rate, as bottlenecks ranks them.
        var drop: Int?
        var undecided = false
        for (i, row) in t.rows.enumerated() {
            guard let rate = row[next].number, rate < 1 else { continue }
            guard (row[lost].number ?? 0) > 0 else { undecided = true; continue }
            if drop.map({ rate < (t.rows[$0][next].number ?? 1) }) ?? true { drop = i }
        }
        let rows = t.rows.enumerated().map { i, row in
            Chart.Row(label: cells.text(row, 0), values: [row[view.byAmount ? amount : reached].number],
                      texts: [cells.text(row, reached), cells.text(row, amount), cells.text(row, next)], marked: i == drop)
        }
        var note: String?
        if let d = drop, d + 1 < t.rows.count {
            note = "biggest drop: \(cells.text(t.rows[d], next)) of the deals that reached \(cells.text(t.rows[d], 0)) "
                + "went on to \(cells.text(t.rows[d + 1], 0))"
        } else if drop == nil, undecided {
            note = "no drop marked: the deals that did not go on are still open"
        }
        var chart = Chart(kind: .funnel, title: funnelTitle(view, file: file), axis: view.byAmount ? "amount reached" : "deals reached",
                          labelAxis: "stage", series: [view.byAmount ? "reached_amount" : "reached"],
                          textColumns: ["reached", "amount", "next_rate"], rows: rows, note: note, markText: "biggest drop", table: t)
        chart.valueKind = view.byAmount ? .money : .integer
        return chart
    }

    static func funnelTitle(_ view: FunnelView, file: SourceFile) -> String {
        var parts = ["funnel" + (view.funnel.map { " " + $0.text } ?? "")]
        let c = view.clauses
        if let f = c.filter { parts.append("where " + file.text(f.range)) }
        if let d = c.during { parts.append("during " + file.text(d.range)) }
        if let a = c.asOf { parts.append("as of " + file.text(a.range)) }
        return parts.joined(separator: " ") + ": " + (view.byAmount ? "amount" : "deals") + " reached by stage"
    }

    // MARK: - Labels

    /// The columns that name a row: every column that is not one of the report's figures.
    static func labelColumns(_ t: ResultTable, _ verb: QueryVerb) -> [Int] {
        let metricNames = Set(ResultColumns.of(verb).map(\.name) + ["reached_amount"])
        return t.columns.indices.filter { !metricNames.contains(t.columns[$0].name) }
    }

    static func joinedLabel(_ row: [Value], _ labels: [Int], _ cells: Cells) -> String {
        labels.map { cells.text(row, $0) }.joined(separator: " · ")
    }

    /// A stage row's `by` groups (the section) and its stage (the label, the last label column).
    static func sectionAndStage(_ row: [Value], _ labels: [Int], _ cells: Cells) -> (String?, String) {
        guard let last = labels.last else { return (nil, "") }
        let groups = labels.dropLast().map { cells.text(row, $0) }
        return (groups.isEmpty ? nil : groups.joined(separator: " · "), cells.text(row, last))
    }

    /// Rates fill the bar at 100%, unless one is above it.
    static func maxRate(_ rows: [Chart.Row]) -> Double {
        max(1, rows.compactMap { $0.values.first ?? nil }.max() ?? 1)
    }

    /// A table's cells as the table renderer writes them.
    struct Cells {
        let table: ResultTable
        let styles: [ValueFormatter.ColumnStyle]
        init(_ t: ResultTable) { table = t; styles = ValueFormatter.styles(for: t) }
        func text(_ row: [Value], _ i: Int) -> String {
            guard row.indices.contains(i) else { return "-" }
            return ValueFormatter.human(row[i], style: styles[i])
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s.removeLast() }
        return s
    }
}
