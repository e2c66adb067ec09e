/// `conversion`: the stage-to-stage funnel of a cohort (METRICS.md). The cohort is the
/// deals created in the `during` window (all deals without one). One row per open stage,
/// then each won stage, after the `by` groups:
///   reached          deals whose furthest position is at least the stage's (skipped
///                    stages count as passed, a deal that moved back keeps its furthest);
///                    with several won stages, a won row counts the deals won there
///   next_rate        reached(next stage) / reached(this stage); none on the won row
///   cumulative_rate  reached(this stage) / reached(first stage)
///   lost             deals now lost whose last stage before losing was this one
///   open             deals now open in this stage
/// With several funnels, a row counts only the deals whose funnel has that stage, and
/// "next" and "first" are each deal's own funnel's. A division by zero is empty.
struct ConversionReport {
    let runner: QueryRunner

    struct Acc {
        var reached = 0
        /// Reached this stage, which is an open stage of the deal's funnel (so it has a next).
        var reachedOpen = 0
        /// Reached the stage after this one.
        var advanced = 0
        /// Reached the first stage of the deal's funnel.
        var started = 0
        var lost = 0
        var open = 0
        /// Σ amount of the deals that reached the stage (the funnel chart's `by amount`).
        var reachedAmount = MoneySum()
    }

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let q = plan.query
        let state = runner.ctx.state
        let deals = state.deals, h = state.history
        let keep = plan.dealFilter
        let window = plan.window
        let grouping = try StageGrouping(runner: runner, groups: q.groups, includeWon: true)
        let index = DealHistoryIndex(h, dealCount: deals.count)
        let positions = StagePositions(state)
        let slotStage = state.slots.stage
        var accs: [Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if deals.status[r] == .removed { continue }  // removed from the CRM: in no report
            let g = grouping.prepare(r)
            grouping.grow(&accs, Acc.init)
            if let (lo, hi) = window {
                let c = deals.created[r]
                if c == Empty.date || c < lo || c >= hi { continue }
            }
            let f = deals.funnel[r]
            let furthest = positions.furthest(r, funnel: f, index: index, history: h)
            let status = deals.status[r]
            let current = slotStage[Int(deals.stageSlot[r])]
            var lostFrom = Empty.text
            let entries = index.range(of: r)
            if status == .lost, entries.count >= 2 { lostFrom = h.stage[Int(index.entries[entries.upperBound - 2])] }
            let steps = grouping.rows.steps[f] ?? []
            // With several won stages, each won row counts the deals that were won there.
            let severalWon = steps.lazy.filter(\.isWon).count > 1
            for step in steps {
                let c = grouping.cell(g, step.row)
                if furthest >= 1 { accs[c].started += 1 }
                if step.isWon, severalWon, !entries.contains(where: { h.stage[Int(index.entries[$0])] == step.code }) { continue }
                if furthest >= step.position {
                    accs[c].reached += 1
                    accs[c].reachedAmount.add(deals.cents(r))
                    if !step.isWon { accs[c].reachedOpen += 1 }
                }
                if !step.isWon, furthest > step.position { accs[c].advanced += 1 }
                if status == .open, step.code == current { accs[c].open += 1 }
                if step.code == lostFrom { accs[c].lost += 1 }
            }
        }
        grouping.seedWhenEmpty()
        grouping.grow(&accs, Acc.init)
        let withAmount = runner.withReachedAmount
        return try GroupedTable(
            indexer: grouping.indexer,
            metricColumns: ResultColumns.of(.conversion) + (withAmount ? [ResultColumn("reached_amount", .money)] : []),
            finish: { (a: Acc) throws -> [Value] in
                let figures: [Value] = [.number(Double(a.reached)), ReportMath.ratio(a.advanced, a.reachedOpen),
                                        ReportMath.ratio(a.reached, a.started), .number(Double(a.lost)), .number(Double(a.open))]
                return withAmount ? figures + [try a.reachedAmount.figure()] : figures
            },
            merge: { _ in Acc() }, wantsTotal: false
        ).build(accs, query: q, groupFilter: plan.checked.groupFilter, file: runner.file)
    }
}
