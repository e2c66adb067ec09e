/// `deals changed since D` / `deals changed during W`: every recorded change of every deal
/// the `where` keeps, dated in the period, in date order (one day: the order recorded) —
/// the rows `history of deal` lists for one deal, for all of them: creations and stage
/// changes, field changes, and the deletions a restore took back, restores and undos.
/// Columns: `at`, `id`, `field`, `old`, `new`, `recorded_by`. A deleted deal is in no
/// report, so its changes are not listed; a restored deal's are.
///
/// The period: `since D` runs from D to today, `during W` is W (up to today); with both,
/// the days in both. The `where` divides as in every report: a condition naming a column
/// (`field = "amount"`, `recorded_by = ...`) filters the rows, the rest filters the deals as
/// they are at the end of the period (today, or the `as of` day).
struct DealChangesReport {
    let runner: QueryRunner

    struct Row {
        var day: Int32
        var order: Int
        var cells: [Value]
    }

    func run(_ plan: QueryPlan, since sinceExpr: Expr?) throws -> ResultTable {
        let q = plan.query
        let today = runner.ctx.today
        let window = plan.window
        let since = try sinceExpr.map { try runner.asOfDate($0) }
        guard since != nil || window != nil else {
            throw Diagnostic(.name, "E401", "deals changed needs since DATE or during WINDOW", file: runner.file, range: q.range,
                             help: "for example: deals changed since 2026-03-01, or deals changed during last week")
        }
        let start = max(since ?? Int32.min, window?.0 ?? Int32.min)
        let end = min(today, window.map { $0.1 - 1 } ?? today)
        guard end >= start else {
            throw Diagnostic(.runtime, "R601", "deals changed since \(Calendar.format(start)) starts after its last day \(Calendar.format(end))",
                             file: runner.file, range: sinceExpr?.range ?? q.during?.range ?? q.range, help: "give a day on or before today")
        }
        let state = runner.ctx.state
        let n = state.deals.count
        let kept: [Bool]? = plan.dealFilter.map { f in (0..<n).map(f) }
        func keeps(_ r: Int) -> Bool { r < n && (kept?[r] ?? true) }
        let pool = state.pool
        func text(_ code: Int32) -> Value { code == Empty.text ? .null : .text(pool[code]) }
        var rows: [Row] = []
        let h = state.history
        for k in 0..<h.count {
            let day = h.day[k], r = Int(h.deal[k])
            guard day >= start, day <= end, keeps(r) else { continue }
            rows.append(Row(day: day, order: Int(h.order[k]) * 2 + 1,
                            cells: [.date(day), .text(state.deals.ids[r]), .text("stage"), text(h.fromStage[k]), text(h.stage[k]),
                                    text(h.origin[k])]))
        }
        let f = state.fieldHistory
        var kinds: [Int32: ColumnKind] = [:]
        for k in 0..<f.count {
            let day = f.day[k], r = Int(f.deal[k])
            guard day >= start, day <= end, keeps(r) else { continue }
            let code = f.field[k]
            let kind = kinds[code] ?? DealHistoryReport.kind(of: pool[code], catalog: state.catalog)
            kinds[code] = kind
            rows.append(Row(day: day, order: Int(f.order[k]) * 2,
                            cells: [.date(day), .text(state.deals.ids[r]), .text(pool[code]), DealHistoryReport.shown(f.old[k], kind),
                                    DealHistoryReport.shown(f.new[k], kind), text(f.origin[k])]))
        }
        let erased = ErasureRows(erasure: state.erasure, catalog: state.catalog)
        for id in erased.ids.sorted() {
            guard let r = state.row(of: id), keeps(r) else { continue }
            for e in erased.rows(of: id) where e.day >= start && e.day <= end {
                rows.append(Row(day: e.day, order: e.order, cells: [.date(e.day), .text(id), .text(e.field), e.old, e.new, e.recordedBy]))
            }
        }
        let sorted = stableSorted(rows) { a, b in a.day != b.day ? a.day < b.day : a.order < b.order }.map(\.cells)
        let indexer = GroupIndexer([])
        for _ in sorted { indexer.seed(Grouping.Key(a: Int64(indexer.keys.count))) }
        return try GroupedTable<[Value]>(indexer: indexer, metricColumns: ResultColumns.of(q.verb), finish: { $0 },
                                         merge: { _ in [] }, wantsTotal: false)
            .build(sorted, query: q, groupFilter: plan.checked.groupFilter, file: runner.file)
    }
}
