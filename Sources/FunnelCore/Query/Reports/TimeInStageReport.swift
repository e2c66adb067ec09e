/// `time in stage`: for each open stage, from the deals' stage histories (METRICS.md):
///   exits             deals that entered the stage and later left it
///   avg_days          mean, over those deals, of the total days each spent in the stage
///   median_days       their median (an even count takes the mean of the two middle values)
///   current           open deals now in the stage
///   current_avg_days  their mean days_in_stage
/// A deal that came back to a stage adds every finished visit to its total and counts as
/// one exit; the visit it is still in counts only under `current`. With `during`, only
/// visits that ended in the window count (current deals are always today's).
struct TimeInStageReport {
    let runner: QueryRunner

    struct Acc { var days: [Int32] = []; var current = 0; var currentDays = 0 }

    func run(_ plan: QueryPlan) throws -> ResultTable {
        try runner.execute(stageRows: plan, includeWon: false) { Kernel(runner: runner, grouping: $0) }
    }

    struct Kernel: StageRowKernel {
        typealias Acc = TimeInStageReport.Acc
        let ctx: EvalContext
        let file: SourceFile
        let grouping: StageGrouping
        let deals: DealTable
        var visits: StageVisits
        let slotStage: [Int32]

        init(runner: QueryRunner, grouping: StageGrouping) {
            ctx = runner.ctx
            file = runner.file
            self.grouping = grouping
            deals = ctx.state.deals
            visits = StageVisits(ctx.state, rows: grouping.rows)
            slotStage = ctx.state.slots.stage
        }

        func makeAccumulator() -> Acc { Acc() }

        mutating func add(_ r: Int, group g: Int, window: (Int32, Int32)?, to accs: inout [Acc]) {
            let grouping = grouping
            visits.totals(r, window: window) { row, days in accs[grouping.cell(g, row)].days.append(days) }
            if deals.status[r] == .open, let row = grouping.rows.row(funnel: deals.funnel[r], stage: slotStage[Int(deals.stageSlot[r])]) {
                let c = grouping.cell(g, row)
                accs[c].current += 1
                accs[c].currentDays += Int(ctx.daysInStage(r))
            }
        }

        func finish(_ accs: [Acc], plan: QueryPlan) throws -> ResultTable {
            try GroupedTable(
                indexer: grouping.indexer, metricColumns: ResultColumns.of(.timeInStage),
                finish: { a in [.number(Double(a.days.count)), StageVisits.average(a.days), ReportMath.median(a.days),
                                .number(Double(a.current)), ReportMath.mean(Double(a.currentDays), a.current)] },
                merge: { _ in Acc() }, wantsTotal: false
            ).build(accs, query: plan.query, groupFilter: plan.checked.groupFilter, file: file)
        }
    }
}

/// Each deal's finished visits to its open stages, summed per stage: a visit runs from the
/// day the deal entered the stage to the day of its next stage change. Shared by time in
/// stage and bottlenecks; the history index and scratch space are built once per query.
struct StageVisits {
    let history: StageHistory
    let index: DealHistoryIndex
    let funnels: Column<Int32>
    let rows: StageRows
    /// Days per row for the deal at hand, and the rows it touched.
    private var spent: [Int32]
    private var touched: [Int] = []

    init(_ state: FunnelState, rows: StageRows) {
        history = state.history
        index = DealHistoryIndex(state.history, dealCount: state.deals.count)
        funnels = state.deals.funnel
        self.rows = rows
        spent = [Int32](repeating: 0, count: rows.count)
    }

    /// Calls `body(row, totalDays)` once per open stage deal `r` left at least once (within
    /// `window`, by the day it left, when one is given).
    mutating func totals(_ r: Int, window: (Int32, Int32)?, _ body: (Int, Int32) -> Void) {
        let h = history, f = funnels[r]
        let entries = index.range(of: r)
        var j = entries.lowerBound
        while j + 1 < entries.upperBound {
            let e = Int(index.entries[j]), next = Int(index.entries[j + 1])
            j += 1
            guard let row = rows.row(funnel: f, stage: h.stage[e]) else { continue }
            let left = h.day[next]
            if let (lo, hi) = window, left < lo || left >= hi { continue }
            if !touched.contains(row) { touched.append(row) }
            spent[row] += left - h.day[e]
        }
        for row in touched {
            body(row, spent[row])
            spent[row] = 0
        }
        touched.removeAll(keepingCapacity: true)
    }

    static func average(_ days: [Int32]) -> Value { ReportMath.mean(Double(days.reduce(0) { $0 + Int($1) }), days.count) }
}
