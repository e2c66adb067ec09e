/// `calibration`: for each open stage, the probability the funnel states against what
/// happened to the closed deals that passed through it (METRICS.md):
///   stated    the stage's probability (never a deal's own override)
///   observed  won / (won + lost) among deals now closed whose furthest position reached the
///             stage (skipped stages count as passed); `during` keeps deals closed in it
///   closed    how many such deals
///   gap       observed − stated
/// When funnels share a stage name with different probabilities, `stated` is the mean of
/// the counted deals' own funnels' figures (with none counted, the mean over the funnels).
struct CalibrationReport {
    let runner: QueryRunner

    struct Acc {
        var closed = 0, won = 0
        var stated = 0.0
        /// The one probability every counted deal's funnel states, so a single funnel's
        /// figure is shown exactly rather than as a sum divided back.
        var single: Double?
        var mixed = false
        mutating func add(_ p: Double) {
            stated += p
            if closed == 1 { single = p } else if single != p { mixed = true }
        }
        var statedMean: Double? { closed == 0 ? nil : mixed ? stated / Double(closed) : single }
    }

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let q = plan.query
        let state = runner.ctx.state
        let deals = state.deals, h = state.history
        let keep = plan.dealFilter
        let window = plan.window
        let grouping = try StageGrouping(runner: runner, groups: q.groups, includeWon: false)
        let index = DealHistoryIndex(h, dealCount: deals.count)
        let positions = StagePositions(state)
        var accs: [Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if deals.status[r] == .removed { continue }  // removed from the CRM: in no report
            let g = grouping.prepare(r)
            grouping.grow(&accs, Acc.init)
            let status = deals.status[r]
            if !status.isClosed || !ClosedWindow.contains(deals.closed[r], window) { continue }
            let f = deals.funnel[r]
            let furthest = positions.furthest(r, funnel: f, index: index, history: h)
            for step in grouping.rows.steps[f] ?? [] where furthest >= step.position {
                let c = grouping.cell(g, step.row)
                accs[c].closed += 1
                if status == .won { accs[c].won += 1 }
                accs[c].add(step.probability)
            }
        }
        grouping.seedWhenEmpty()
        grouping.grow(&accs, Acc.init)
        // Which stage row each cell is, for the stated figure of a cell nothing closed in.
        let stageColumn = grouping.indexer.dims.count - 1
        let rows = grouping.rows
        let keys = grouping.indexer.keys
        let cellRow = keys.map { rows.row(ofCode: Int32($0[stageColumn])) ?? 0 }
        let indexed = accs.enumerated().map { ($0.offset, $0.element) }
        return try GroupedTable<(Int, Acc)>(
            indexer: grouping.indexer, metricColumns: ResultColumns.of(.calibration),
            finish: { cell, a in
                let stated = a.statedMean ?? rows.meanProbability[cellRow[cell]]
                let observed = ReportMath.ratio(a.won, a.closed)
                return [.number(stated), observed, .number(Double(a.closed)), observed.number.map { .number($0 - stated) } ?? .null]
            },
            merge: { _ in (0, Acc()) }, wantsTotal: false
        ).build(indexed, query: q, groupFilter: plan.checked.groupFilter, file: runner.file)
    }
}
