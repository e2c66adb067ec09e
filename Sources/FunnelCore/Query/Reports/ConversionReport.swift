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
        try runner.execute(stageRows: plan, includeWon: true) { Kernel(runner: runner, grouping: $0) }
    }

    struct Kernel: StageRowKernel {
        typealias Acc = ConversionReport.Acc
        let runner: QueryRunner
        let grouping: StageGrouping
        let deals: DealTable, h: StageHistory
        let index: DealHistoryIndex
        let positions: StagePositions
        let slotStage: [Int32]

        init(runner: QueryRunner, grouping: StageGrouping) {
            let state = runner.ctx.state
            self.runner = runner
            self.grouping = grouping
            deals = state.deals
            h = state.history
            index = DealHistoryIndex(h, dealCount: deals.count)
            positions = StagePositions(state)
            slotStage = state.slots.stage
        }

        func makeAccumulator() -> Acc { Acc() }

        func add(_ r: Int, group g: Int, window: (Int32, Int32)?, to accs: inout [Acc]) {
            if let (lo, hi) = window {
                let c = deals.created[r]
                if c == Empty.date || c < lo || c >= hi { return }
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

        func finish(_ accs: [Acc], plan: QueryPlan) throws -> ResultTable {
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
            ).build(accs, query: plan.query, groupFilter: plan.checked.groupFilter, file: runner.file)
        }
    }
}
