/// `cycle`: won deals closed in the `during` window (all won deals without one): `won`,
/// and `avg_days` / `median_days` of closed − created (the median of an even count is the
/// mean of the two middle values). A won deal with no closed date counts in `won` but
/// has no cycle length.
struct CycleReport {
    let runner: QueryRunner

    struct Acc { var won = 0; var days: [Int32] = [] }

    func run(_ q: Query) throws -> ResultTable {
        let deals = runner.ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        let indexer = GroupIndexer(try runner.dimensions(q.groups))
        var accs: [Acc] = []
        for r in 0..<deals.count where deals.status[r] == .won {
            try Cancellation.checkpoint(r)
            let closed = deals.closed[r]
            if !ClosedWindow.contains(closed, window) { continue }
            if let keep, !keep(r) { continue }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(Acc()) }
            accs[g].won += 1
            if closed != Empty.date, deals.created[r] != Empty.date { accs[g].days.append(closed - deals.created[r]) }
        }
        indexer.ensureSingleGroup()
        if accs.count < indexer.keys.count { accs.append(Acc()) }
        return try GroupedTable(
            indexer: indexer, metricColumns: ResultColumns.of(.cycle),
            finish: { a in [.number(Double(a.won)), ReportMath.mean(Double(a.days.reduce(0) { $0 + Int($1) }), a.days.count),
                            ReportMath.median(a.days)] },
            merge: { xs in xs.reduce(into: Acc()) { t, a in t.won += a.won; t.days += a.days } },
            wantsTotal: true
        ).build(accs, query: q, groupFilter: runner.groupFilter(q), file: runner.file)
    }
}
