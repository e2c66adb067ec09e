/// `forecast`: the period's expected bookings (METRICS.md). Open deals whose close date
/// falls in the `during` window (all open deals when there is no window) give `deals`,
/// `amount`, `weighted`, `commit` and `best_case`; deals won in the window (all won deals
/// without one) give `closed`; `forecast` = closed + weighted.
struct ForecastReport {
    let runner: QueryRunner

    struct Acc {
        var deals = 0, amount = 0.0, weighted = 0.0, commit = 0.0, bestCase = 0.0, closed = 0.0
    }

    func run(_ q: Query) throws -> ResultTable {
        let ctx = runner.ctx
        let deals = ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        let indexer = GroupIndexer(try runner.dimensions(q.groups))
        let categories = ctx.slotInfo.map(\.category)
        var accs: [Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            let status = deals.status[r]
            if status == .lost { continue }
            let day = status == .open ? deals.closeDate[r] : deals.closed[r]
            if let (lo, hi) = window, day == Empty.date || day < lo || day >= hi { continue }
            if let keep, !keep(r) { continue }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(Acc()) }
            let amount = deals.amount[r].isNaN ? 0 : deals.amount[r]
            if status == .won {
                accs[g].closed += amount
                continue
            }
            accs[g].deals += 1
            accs[g].amount += amount
            accs[g].weighted += amount * ctx.probability(r)
            switch categories[Int(deals.stageSlot[r])] {
            case .commit: accs[g].commit += amount; accs[g].bestCase += amount
            case .best_case: accs[g].bestCase += amount
            case .pipeline: break
            }
        }
        indexer.ensureSingleGroup()
        if accs.count < indexer.keys.count { accs.append(Acc()) }
        return try GroupedTable(
            indexer: indexer, metricColumns: ResultColumns.of(.forecast),
            finish: { a in [.number(Double(a.deals)), .number(a.amount), .number(a.weighted), .number(a.commit),
                            .number(a.bestCase), .number(a.closed), .number(a.closed + a.weighted)] },
            merge: { xs in xs.reduce(into: Acc()) { t, a in
                t.deals += a.deals; t.amount += a.amount; t.weighted += a.weighted
                t.commit += a.commit; t.bestCase += a.bestCase; t.closed += a.closed } },
            wantsTotal: true
        ).build(accs, query: q, groupFilter: runner.groupFilter(q), file: runner.file)
    }
}
