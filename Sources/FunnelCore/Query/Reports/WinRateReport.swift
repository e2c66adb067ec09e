/// `win rate`: deals closed (won or lost) in the `during` window by their closed date (all
/// closed deals without one): `won`, `lost`, `win_rate` = won / (won + lost) (empty when
/// nothing closed), `won_amount` = Σ amount of the won deals. A reopened deal counts by
/// its status now; a closed deal with no closed date counts only when there is no window.
struct WinRateReport {
    let runner: QueryRunner

    struct Acc { var won = 0; var lost = 0; var wonAmount = 0.0 }

    func run(_ q: Query) throws -> ResultTable {
        let deals = runner.ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        let indexer = GroupIndexer(try runner.dimensions(q.groups))
        var accs: [Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            let status = deals.status[r]
            if status == .open { continue }
            if !ClosedWindow.contains(deals.closed[r], window) { continue }
            if let keep, !keep(r) { continue }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(Acc()) }
            if status == .won {
                accs[g].won += 1
                if !deals.amount[r].isNaN { accs[g].wonAmount += deals.amount[r] }
            } else {
                accs[g].lost += 1
            }
        }
        indexer.ensureSingleGroup()
        if accs.count < indexer.keys.count { accs.append(Acc()) }
        return try GroupedTable(
            indexer: indexer, metricColumns: ResultColumns.of(.winRate),
            finish: { a in [.number(Double(a.won)), .number(Double(a.lost)), ReportMath.ratio(a.won, a.won + a.lost), .number(a.wonAmount)] },
            merge: { xs in xs.reduce(into: Acc()) { t, a in t.won += a.won; t.lost += a.lost; t.wonAmount += a.wonAmount } },
            wantsTotal: true
        ).build(accs, query: q, groupFilter: runner.groupFilter(q), file: runner.file)
    }
}

/// Whether a closed date falls in a `during` window; with no window every closed deal
/// counts, with one a deal with no closed date does not.
enum ClosedWindow {
    @inline(__always)
    static func contains(_ day: Int32, _ window: (Int32, Int32)?) -> Bool {
        guard let (lo, hi) = window else { return true }
        return day != Empty.date && day >= lo && day < hi
    }
}
