/// `forecast accuracy [during P]` (default: the last quarter that has ended): what the forecast said for P before it was known, against
/// what was won (METRICS.md, "forecast accuracy"). Snapshots are the day before P starts and
/// the day before each later month of P begins (days after today are left out); on each,
/// the store is rebuilt as of that day and `forecast during P` read from it:
/// `predicted` = closed + weighted, `commit_then` = closed + commit, `best_case_then` =
/// closed + best_case (closed: won in P by then). `actual` is the amount won in P now;
/// `error` = predicted − actual; `accuracy` = 1 − |error| ÷ actual (empty when actual is 0).
/// With `by`, every figure is per group, each snapshot grouping by its own day's teams.
struct AccuracyReport {
    let runner: QueryRunner
    var ctx: EvalContext { runner.ctx }

    static let scan = "the store as of the day before the period and before each of its months, then the deals won in it"

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let q = plan.query
        // Without during: the last quarter that has ended.
        let thisQuarter = Calendar.startOfQuarter(ctx.today)
        let (lo, hi) = plan.window ?? (Calendar.addMonths(thisQuarter, -3), thisQuarter)
        var snapshots: [Int32] = [lo - 1]
        var month = Calendar.addMonths(Calendar.startOfMonth(lo), 1)
        while month < hi { snapshots.append(month - 1); month = Calendar.addMonths(month, 1) }
        snapshots = snapshots.filter { $0 <= ctx.today }
        let group = q.groups.first

        // Group values are compared as values: each snapshot has its own state and pool.
        var groupValues: [Value] = []
        func slot(_ v: Value) -> Int {
            if let i = groupValues.firstIndex(of: v) { return i }
            groupValues.append(v)
            return groupValues.count - 1
        }
        var then: [Int32: [Int: ForecastReport.Acc]] = [:]
        for day in snapshots {
            // Replayed, the amounts are in each deal's own currency again.
            let stateThen = try runner.inReportingCurrency(try ctx.state.asOf(day), range: plan.query.range)
            let past = QueryRunner(context: EvalContext(state: stateThen, today: day), file: runner.file)
            let kernel = ForecastReport(past.ctx)
            let keep = try plan.checked.dealFilter.map { try past.compiler.predicate($0) }
            let key = try group.map { try past.compiler.compile($0) }
            var accs: [Int: ForecastReport.Acc] = [:]
            for r in 0..<past.ctx.state.deals.count {
                try Cancellation.checkpoint(r)
                if !kernel.includes(r, window: (lo, hi)) { continue }
                if let keep, !keep(r) { continue }
                kernel.add(r, to: &accs[slot(key?(r) ?? .null), default: ForecastReport.Acc()])
            }
            then[day] = accs
        }
        var actual: [Int: MoneySum] = [:]
        let deals = ctx.state.deals
        let key = try group.map { try runner.compiler.compile($0) }
        for r in 0..<deals.count where deals.status[r] == .won && deals.closed[r] != Empty.date
            && deals.closed[r] >= lo && deals.closed[r] < hi {
            if let keep = plan.dealFilter, !keep(r) { continue }
            actual[slot(key?(r) ?? .null), default: MoneySum()].add(deals.cents(r))
        }
        if group == nil, groupValues.isEmpty { _ = slot(.null) }
        let order = groupValues.indices.sorted { Grouping.compareValues(groupValues[$0], groupValues[$1]) }
        var rows: [[Value]] = []
        for g in order {
            for day in snapshots {
                let a = then[day]?[g] ?? ForecastReport.Acc()
                let won = actual[g] ?? MoneySum()
                // predicted = closed + weighted, rounded once; error = predicted − won.
                var weighted = a.weighted
                weighted.microCents += a.closed.cents * 1_000_000
                guard let predicted = weighted.money else { throw MoneyOverflow(what: "a forecast") }
                let error = Int128(predicted.cents) - won.cents
                guard let errorMoney = Money(exactly: error) else { throw MoneyOverflow(what: "a forecast error") }
                let figures: [Value] = [.date(day), .money(predicted), try (a.closed + a.commit).figure(), try (a.closed + a.bestCase).figure(),
                                        try won.figure(), .money(errorMoney),
                                        won.cents > 0 ? .number(1 - Double(error.magnitude) / Double(won.cents)) : .null]
                rows.append((group == nil ? [] : [groupValues[g]]) + figures)
            }
        }
        var columns = QuerySpec.of(.forecastAccuracy).columns
        if let g = group { columns.insert(ResultColumn(runner.file.text(g.range), .text), at: 0) }
        var table = ResultTable(columns: columns, rows: rows)
        if let limit = q.limit { table.rows = Array(table.rows.prefix(limit)) }
        return table
    }
}
