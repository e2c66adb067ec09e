/// `forecast`: the period's expected bookings (METRICS.md). Open deals whose close date
/// falls in the `during` window (all open deals when there is no window) give `deals`,
/// `amount`, `weighted`, `commit` and `best_case`; deals won in the window (all won deals
/// without one) give `closed`; `forecast` = closed + weighted.
struct ForecastReport: GroupedKernel {
    let ctx: EvalContext
    let deals: DealTable
    let categories: [StageCategory]
    /// Deals' own categories, which override their stages'.
    let ownCategory: [Value]?
    var columns: [ResultColumn] { QuerySpec.of(.forecast).columns }

    init(_ ctx: EvalContext) {
        self.ctx = ctx
        deals = ctx.state.deals
        categories = ctx.slotInfo.map(\.category)
        ownCategory = deals.custom["category"]
    }

    struct Acc {
        var deals = 0, amount = 0.0, weighted = 0.0, commit = 0.0, bestCase = 0.0, closed = 0.0
    }

    var scan: String { "open and won deals; during keeps open deals by close_date and won deals by their closed date" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        let status = deals.status[r]
        if status != .open && status != .won { return false }
        let day = status == .open ? deals.closeDate[r] : deals.closed[r]
        if let (lo, hi) = window, day == Empty.date || day < lo || day >= hi { return false }
        return true
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        let amount = deals.amount[r].isNaN ? 0 : deals.amount[r]
        if deals.status[r] == .won {
            a.closed += amount
            return
        }
        a.deals += 1
        a.amount += amount
        a.weighted += amount * ctx.probability(r)
        switch ownCategory == nil ? categories[Int(deals.stageSlot[r])] : ctx.category(r, own: ownCategory) {
        case .commit: a.commit += amount; a.bestCase += amount
        case .best_case: a.bestCase += amount
        case .pipeline: break
        }
    }

    func finish(_ a: Acc) -> [Value] {
        [.number(Double(a.deals)), .number(a.amount), .number(a.weighted), .number(a.commit),
         .number(a.bestCase), .number(a.closed), .number(a.closed + a.weighted)]
    }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in
            t.deals += a.deals; t.amount += a.amount; t.weighted += a.weighted
            t.commit += a.commit; t.bestCase += a.bestCase; t.closed += a.closed
        }
    }
}
