/// `pipeline`: open deals per group (default by stage, in funnel order): `deals`,
/// `amount`, and `weighted` = Σ amount × probability (METRICS.md). `during` keeps open
/// deals whose expected close date falls in the window.
struct PipelineReport {
    let runner: QueryRunner

    struct Acc { var deals = 0; var amount = 0.0; var weighted = 0.0 }

    func run(_ q: Query) throws -> ResultTable {
        let ctx = runner.ctx
        let deals = ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        let groups = q.groups.isEmpty ? [Expr(.name("stage"), SourceRange(0, 0))] : q.groups
        let indexer = GroupIndexer(try runner.dimensions(groups))
        var accs: [Acc] = []
        // By stage (the default), every open stage shows, even with no deals in it.
        if groups.count == 1, case .name("stage") = groups[0].kind {
            for name in ctx.state.catalog.funnelOrder {
                for s in ctx.state.catalog.funnels[name]?.openStages ?? [] {
                    guard let code = ctx.state.pool.code(of: s.name) else { continue }
                    if indexer.seed(Grouping.Key(a: Int64(code))) == accs.count { accs.append(Acc()) }
                }
            }
        }
        for r in 0..<deals.count where deals.status[r] == .open {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if let (lo, hi) = window { let c = deals.closeDate[r]; if c == Empty.date || c < lo || c >= hi { continue } }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(Acc()) }
            let amount = deals.amount[r].isNaN ? 0 : deals.amount[r]
            accs[g].deals += 1
            accs[g].amount += amount
            accs[g].weighted += amount * ctx.probability(r)
        }
        return try GroupedTable(
            indexer: indexer, metricColumns: ResultColumns.of(.pipeline),
            finish: { [.number(Double($0.deals)), .number($0.amount), .number($0.weighted)] },
            merge: { $0.reduce(into: Acc()) { t, a in t.deals += a.deals; t.amount += a.amount; t.weighted += a.weighted } },
            wantsTotal: true
        ).build(accs, query: q, groupFilter: runner.groupFilter(q), file: runner.file)
    }
}
