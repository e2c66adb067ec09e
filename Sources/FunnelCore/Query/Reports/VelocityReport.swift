/// `velocity` (money per day) = open_deals × avg_won_amount × win_rate ÷ avg_cycle_days.
/// `open_deals` counts the deals open now; the other three come from deals closed in the
/// `during` window (all closed deals without one): `avg_won_amount` over the won deals that
/// have an amount, `win_rate` = won / (won + lost), `avg_cycle_days` = mean closed − created
/// of the won deals. Velocity is empty when any factor is, or when avg_cycle_days is 0.
struct VelocityReport {
    let runner: QueryRunner

    struct Acc {
        var open = 0, won = 0, lost = 0
        var wonAmount = 0.0, wonWithAmount = 0
        var cycleDays = 0, cycles = 0
    }

    func run(_ q: Query) throws -> ResultTable {
        let deals = runner.ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        let indexer = GroupIndexer(try runner.dimensions(q.groups))
        var accs: [Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            let status = deals.status[r]
            if status != .open, !ClosedWindow.contains(deals.closed[r], window) { continue }
            if let keep, !keep(r) { continue }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(Acc()) }
            switch status {
            case .open: accs[g].open += 1
            case .lost: accs[g].lost += 1
            case .won:
                accs[g].won += 1
                if !deals.amount[r].isNaN { accs[g].wonAmount += deals.amount[r]; accs[g].wonWithAmount += 1 }
                if deals.closed[r] != Empty.date, deals.created[r] != Empty.date {
                    accs[g].cycleDays += Int(deals.closed[r] - deals.created[r]); accs[g].cycles += 1
                }
            }
        }
        indexer.ensureSingleGroup()
        if accs.count < indexer.keys.count { accs.append(Acc()) }
        return try GroupedTable(
            indexer: indexer, metricColumns: ResultColumns.of(.velocity),
            finish: Self.finish,
            merge: { xs in xs.reduce(into: Acc()) { t, a in
                t.open += a.open; t.won += a.won; t.lost += a.lost; t.wonAmount += a.wonAmount
                t.wonWithAmount += a.wonWithAmount; t.cycleDays += a.cycleDays; t.cycles += a.cycles } },
            wantsTotal: true
        ).build(accs, query: q, groupFilter: runner.groupFilter(q), file: runner.file)
    }

    static func finish(_ a: Acc) -> [Value] {
        let avgWon = ReportMath.mean(a.wonAmount, a.wonWithAmount)
        let rate = ReportMath.ratio(a.won, a.won + a.lost)
        let cycle = ReportMath.mean(Double(a.cycleDays), a.cycles)
        var velocity = Value.null
        if let w = avgWon.number, let p = rate.number, let c = cycle.number, c != 0 {
            velocity = .number(Double(a.open) * w * p / c)
        }
        return [.number(Double(a.open)), avgWon, rate, cycle, velocity]
    }
}
