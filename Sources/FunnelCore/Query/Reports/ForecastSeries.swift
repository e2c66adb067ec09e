/// `forecast during P by week` (or `by month`): how the forecast for P evolved. One row per
/// week's end (Sunday) or month's end inside P, and P's last day when it ends between them;
/// each is `forecast during P` on the store as of that day, with today = that day. Days
/// after today are left out: what the forecast will say is not known yet.
struct ForecastSeries {
    let runner: QueryRunner
    var ctx: EvalContext { runner.ctx }

    /// `forecast by week|month` with a window and no field of that name: a series, not a grouping.
    static func step(of q: Query, catalog: Catalog) -> String? {
        guard q.during != nil, q.groups.count == 1, case .name(let n) = q.groups[0].kind, n == "week" || n == "month",
              catalog.fields[n] == nil else { return nil }
        return n
    }

    func run(_ plan: QueryPlan, step: String) throws -> ResultTable {
        guard let (lo, hi) = plan.window else { return ResultTable(columns: []) }
        var ends: [Int32] = []
        var end = step == "week" ? Calendar.startOfWeek(lo) + 6 : Calendar.addMonths(Calendar.startOfMonth(lo), 1) - 1
        while end < hi - 1 {
            ends.append(end)
            end = step == "week" ? end + 7 : Calendar.addMonths(end + 1, 1) - 1
        }
        ends.append(hi - 1)
        ends = ends.filter { $0 <= ctx.today }
        let kernel = ForecastReport(ctx)
        var rows: [[Value]] = []
        for day in ends {
            // Replayed, the amounts are in each deal's own currency again.
            let then = try runner.inReportingCurrency(try ctx.state.asOf(day), range: plan.query.range)
            let past = QueryRunner(context: EvalContext(state: then, today: day), file: runner.file)
            let k = ForecastReport(past.ctx)
            let keep = try plan.checked.dealFilter.map { try past.compiler.predicate($0) }
            var acc = ForecastReport.Acc()
            for r in 0..<past.ctx.state.deals.count {
                try Cancellation.checkpoint(r)
                if !k.includes(r, window: (lo, hi)) { continue }
                if let keep, !keep(r) { continue }
                k.add(r, to: &acc)
            }
            rows.append([.date(day)] + (try kernel.finish(acc)))
        }
        var table = ResultTable(columns: [ResultColumn(step == "week" ? "week_end" : "month_end", .date)] + kernel.columns, rows: rows)
        if let shown = plan.query.columns { table = GroupedTable<ForecastReport.Acc>.project(table, groups: 1, shown: shown) }
        if let limit = plan.query.limit { table.rows = Array(table.rows.prefix(limit)) }
        return table
    }
}
