/// `bottlenecks`: the open stages ranked by how much they hold the funnel back (METRICS.md):
/// the lowest `next_rate` first, ties broken by the highest `avg_days`, stages with no
/// figure last. Columns: `stage`, `next_rate` (as in conversion: the cohort created in the
/// `during` window), `avg_days` (as in time in stage: visits that ended in the window),
/// `stale_deals` (open deals stale in the stage now) and `stale_ids` (their ids, longest
/// stuck first). With `by`, each group's stages are ranked within it.
struct BottlenecksReport {
    let runner: QueryRunner

    struct Acc {
        var reachedOpen = 0, advanced = 0
        var exits = 0, days = 0
        var stale: [Int] = []
        var nextRate: Double? { reachedOpen == 0 ? nil : Double(advanced) / Double(reachedOpen) }
        var avgDays: Double? { exits == 0 ? nil : Double(days) / Double(exits) }
    }

    func run(_ plan: QueryPlan) throws -> ResultTable {
        try runner.execute(stageRows: plan, includeWon: false) { Kernel(runner: runner, grouping: $0) }
    }

    struct Kernel: StageRowKernel {
        typealias Acc = BottlenecksReport.Acc
        let ctx: EvalContext
        let file: SourceFile
        let grouping: StageGrouping
        let deals: DealTable
        var visits: StageVisits
        let positions: StagePositions
        let slotStage: [Int32]

        init(runner: QueryRunner, grouping: StageGrouping) {
            ctx = runner.ctx
            file = runner.file
            self.grouping = grouping
            deals = ctx.state.deals
            visits = StageVisits(ctx.state, rows: grouping.rows)
            positions = StagePositions(ctx.state)
            slotStage = ctx.state.slots.stage
        }

        func makeAccumulator() -> Acc { Acc() }

        mutating func add(_ r: Int, group g: Int, window: (Int32, Int32)?, to accs: inout [Acc]) {
            let grouping = grouping, rows = grouping.rows
            let f = deals.funnel[r]
            let created = deals.created[r]
            if ClosedWindow.contains(created, window) {
                let furthest = positions.furthest(r, funnel: f, index: visits.index, history: ctx.state.history)
                for step in rows.steps[f] ?? [] where furthest >= step.position {
                    let c = grouping.cell(g, step.row)
                    accs[c].reachedOpen += 1
                    if furthest > step.position { accs[c].advanced += 1 }
                }
            }
            visits.totals(r, window: window) { row, days in
                let c = grouping.cell(g, row)
                accs[c].exits += 1
                accs[c].days += Int(days)
            }
            if ctx.isStale(r), let row = rows.row(funnel: f, stage: slotStage[Int(deals.stageSlot[r])]) {
                accs[grouping.cell(g, row)].stale.append(r)
            }
        }

        func finish(_ accs: [Acc], plan: QueryPlan) throws -> ResultTable {
            let ctx = ctx
            let ids = deals.ids
            var table = GroupedTable(
                indexer: grouping.indexer, metricColumns: ResultColumns.of(.bottlenecks),
                finish: { a in
                    let stale = stableSorted(a.stale) { ctx.daysInStage($0) > ctx.daysInStage($1) }.map { ids[$0] }
                    return [a.nextRate.map(Value.number) ?? .null, a.avgDays.map(Value.number) ?? .null,
                            .number(Double(stale.count)), stale.isEmpty ? .null : .text(stale.joined(separator: ", "))]
                },
                merge: { _ in Acc() }, wantsTotal: false)
            table.rankLastKey = { a, b in
                if let d = BottlenecksReport.first(a.nextRate, b.nextRate, lower: true) { return d }
                return BottlenecksReport.first(a.avgDays, b.avgDays, lower: false)
            }
            return try table.build(accs, query: plan.query, groupFilter: plan.checked.groupFilter, file: file)
        }
    }

    /// Whether `x` ranks before `y` (the lower first, or the higher), an empty figure
    /// ranking last; nil on a tie.
    static func first(_ x: Double?, _ y: Double?, lower: Bool) -> Bool? {
        switch (x, y) {
        case let (a?, b?): return a == b ? nil : lower ? a < b : a > b
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil): return nil
        }
    }
}
