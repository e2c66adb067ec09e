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
        try runner.execute(stageRows: plan, includeWon: false) { Kernel(runner: runner, grouping: $0) }
    }

    struct Kernel: StageRowKernel {
        typealias Acc = CalibrationReport.Acc
        let file: SourceFile
        let grouping: StageGrouping
        let deals: DealTable, h: StageHistory
        let index: DealHistoryIndex
        let positions: StagePositions

        init(runner: QueryRunner, grouping: StageGrouping) {
            let state = runner.ctx.state
            file = runner.file
            self.grouping = grouping
            deals = state.deals
            h = state.history
            index = DealHistoryIndex(h, dealCount: deals.count)
            positions = StagePositions(state)
        }

        func makeAccumulator() -> Acc { Acc() }

        func add(_ r: Int, group g: Int, window: (Int32, Int32)?, to accs: inout [Acc]) {
            let status = deals.status[r]
            if !status.isClosed || !ClosedWindow.contains(deals.closed[r], window) { return }
            let f = deals.funnel[r]
            let furthest = positions.furthest(r, funnel: f, index: index, history: h)
            for step in grouping.rows.steps[f] ?? [] where furthest >= step.position {
                let c = grouping.cell(g, step.row)
                accs[c].closed += 1
                if status == .won { accs[c].won += 1 }
                accs[c].add(step.probability)
            }
        }

        func finish(_ accs: [Acc], plan: QueryPlan) throws -> ResultTable {
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
            ).build(indexed, query: plan.query, groupFilter: plan.checked.groupFilter, file: file)
        }
    }
}
