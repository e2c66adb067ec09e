/// `changes since D` / `changes during W [by ...]`: the pipeline waterfall (METRICS.md,
/// "changes"). The pipeline at a day is the open deals the `where` keeps on that day (and,
/// with `during W`, whose close_date on that day falls in W). Opening is the pipeline at the
/// end of the day before the period starts, closing at its end (today at the latest); every
/// deal in either is counted once, in the movement that explains it, so opening + the
/// movements = closing, in deals and in amount, in every group.
struct ChangesReport {
    let runner: QueryRunner

    static let movements = ["opening", "created", "moved_in", "moved_back_in", "pulled_in", "changed_in", "increased",
                            "decreased", "moved_on", "moved_back", "pushed_out", "changed_out", "won", "lost", "closing"]

    /// One side of the period: the state then, and what the query reads of it.
    struct Side {
        let state: FunnelState
        let keeps: (Int) -> Bool
        let group: [(Int) -> Value]

        func row(_ id: String) -> Int? { state.row(of: id) }
        func position(_ r: Int) -> Int { state.stageDef(ofRow: r)?.position ?? 0 }
        func amount(_ r: Int) -> Int128 { Int128(state.deals.cents(r)) }
    }

    /// Each stage name's place in funnel order: the first funnel's stages, then the next
    /// funnel's stages not seen yet (Grouping's order for `by stage`).
    static func stageRanks(_ catalog: Catalog) -> [String: Int] {
        var rank: [String: Int] = [:]
        for f in catalog.funnelOrder {
            for s in catalog.funnels[f]?.stages ?? [] where rank[s.name] == nil { rank[s.name] = rank.count }
        }
        return rank
    }

    func run(_ plan: QueryPlan, since sinceExpr: Expr?) throws -> ResultTable {
        let q = plan.query
        let today = runner.ctx.today
        let window = plan.window
        guard let start = try sinceExpr.map({ try runner.asOfDate($0) }) ?? window?.0 else {
            throw Diagnostic(.name, "E401", "changes needs since DATE or during WINDOW", file: runner.file, range: q.range,
                             help: "for example: changes since 2026-03-01, or changes during last week")
        }
        let end = min(today, window.map { $0.1 - 1 } ?? today)
        guard end >= start else {
            throw Diagnostic(.runtime, "R601", "changes since \(Calendar.format(start)) starts after its last day \(Calendar.format(end))",
                             file: runner.file, range: sinceExpr?.range ?? q.range, help: "give a day on or before today")
        }
        let closeWindow = window
        func side(_ s: FunnelState, _ day: Int32) throws -> Side {
            let c = ExprCompiler(context: EvalContext(state: s, today: day), file: runner.file)
            let filter = try q.filter.map { try c.predicate($0) }
            let groups = try q.groups.map { try c.compile($0) }
            let keeps: (Int) -> Bool = { r in
                s.deals.status[r] == .open && (filter?(r) ?? true)
                    && (closeWindow == nil || ClosedWindow.contains(s.deals.closeDate[r], closeWindow))
            }
            return Side(state: s, keeps: keeps, group: groups)
        }
        // The current state is in the reporting currency already; the replayed ones are not.
        func past(_ day: Int32) throws -> FunnelState { try runner.inReportingCurrency(try runner.ctx.state.asOf(day), range: q.range) }
        let a = try side(try past(start - 1), start - 1)
        let b = try side(end >= today ? runner.ctx.state : try past(end), end)

        var figures: [[Value]: [(deals: Int, amount: Int128)]] = [:]
        func add(_ key: [Value], _ m: String, _ deals: Int, _ amount: Int128) {
            var f = figures[key] ?? Array(repeating: (0, 0), count: Self.movements.count)
            let i = Self.movements.firstIndex(of: m) ?? 0
            f[i].deals += deals
            f[i].amount += amount
            figures[key] = f
        }
        let ids = b.state.deals.ids
        var seen = Set<String>()
        for id in [a.state.deals.ids, ids].joined() where seen.insert(id).inserted {
            let ra = a.row(id), rb = b.row(id)
            let inA = ra.map(a.keeps) ?? false, inB = rb.map(b.keeps) ?? false
            let ka = ra.map { r in a.group.map { $0(r) } } ?? [], kb = rb.map { r in b.group.map { $0(r) } } ?? []
            if inA { add(ka, "opening", 1, a.amount(ra!)) }
            if inB { add(kb, "closing", 1, b.amount(rb!)) }
            if inA, inB, ka == kb, let x = ra, let y = rb {
                let d = b.amount(y) - a.amount(x)
                if d > 0 { add(ka, "increased", 1, d) } else if d < 0 { add(ka, "decreased", 1, d) }
                continue
            }
            if inA, let x = ra {
                let why: String
                if let y = rb, b.state.deals.status[y] != .open { why = b.state.deals.status[y] == .won ? "won" : "lost" }
                else if let y = rb, b.position(y) > a.position(x) { why = "moved_on" }
                else if let y = rb, b.position(y) < a.position(x) { why = "moved_back" }
                else if let y = rb, closeWindow != nil, !ClosedWindow.contains(b.state.deals.closeDate[y], closeWindow) { why = "pushed_out" }
                else { why = "changed_out" }
                add(ka, why, -1, -a.amount(x))
            }
            if inB, let y = rb {
                let why: String
                if ra == nil { why = "created" }
                else if let x = ra, a.state.deals.status[x] == .open, a.position(x) < b.position(y) { why = "moved_in" }
                else if let x = ra, a.state.deals.status[x] == .open, a.position(x) > b.position(y) { why = "moved_back_in" }
                else if let x = ra, closeWindow != nil, !ClosedWindow.contains(a.state.deals.closeDate[x], closeWindow) { why = "pulled_in" }
                else { why = "changed_in" }
                add(kb, why, 1, b.amount(y))
            }
            // Created and closed within the period: in neither pipeline, yet part of its flow.
            if !inA, !inB, ra == nil, let y = rb, b.state.deals.status[y] != .open {
                let c = ExprCompiler(context: EvalContext(state: b.state, today: end), file: runner.file)
                if try q.filter.map({ try c.predicate($0)(y) }) ?? true {
                    add(kb, "created", 1, b.amount(y))
                    add(kb, b.state.deals.status[y] == .won ? "won" : "lost", -1, -b.amount(y))
                }
            }
        }
        if q.groups.isEmpty, figures.isEmpty { figures[[]] = Array(repeating: (0, 0), count: Self.movements.count) }
        // A `by stage` group lists its stages in funnel order, as every other by-stage report does.
        let stageRank = Self.stageRanks(runner.ctx.state.catalog)
        let isStage = q.groups.map { if case .name("stage") = $0.kind { return true } else { return false } }
        let keys = figures.keys.sorted { x, y in
            for (i, (u, v)) in zip(x, y).enumerated() where u != v {
                if isStage[i], case .text(let a) = u, case .text(let b) = v, let ra = stageRank[a], let rb = stageRank[b], ra != rb {
                    return ra < rb
                }
                return Grouping.compareValues(u, v)
            }
            return false
        }
        let groupColumns = q.groups.map { ResultColumn(runner.file.text($0.range), ColumnKinds.kind(of: $0, catalog: runner.ctx.state.catalog)) }
        let columns = groupColumns + ResultColumns.of(q.verb)
        var rows: [[Value]] = []
        for k in keys {
            guard let f = figures[k] else { continue }
            for (i, m) in Self.movements.enumerated() {
                guard let amount = Money(exactly: f[i].amount) else { throw MoneyOverflow(what: "a pipeline change") }
                rows.append(k + [.text(m), .number(Double(f[i].deals)), .money(amount)])
            }
        }
        let names = columns.map(\.name)
        if let gf = plan.checked.groupFilter {
            rows = try rows.filter { try ResultRowEvaluator.test(gf, row: $0, columns: names, file: runner.file) }
        }
        if let limit = q.limit { rows = Array(rows.prefix(limit)) }
        var table = ResultTable(columns: columns, rows: rows)
        if let shown = q.columns { table = GroupedTable<Int>.project(table, groups: q.groups.count, shown: shown) }
        return table
    }
}
