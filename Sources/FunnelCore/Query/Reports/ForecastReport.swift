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
        var deals = 0, amount = MoneySum(), weighted = WeightedSum(), commit = MoneySum(), bestCase = MoneySum(), closed = MoneySum()
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
        let cents = deals.cents(r)
        if deals.status[r] == .won {
            a.closed.add(cents)
            return
        }
        a.deals += 1
        a.amount.add(cents)
        a.weighted.add(cents: cents, millionths: ctx.probabilityMillionths(r))
        switch ownCategory == nil ? categories[Int(deals.stageSlot[r])] : ctx.category(r, own: ownCategory) {
        case .commit: a.commit.add(cents); a.bestCase.add(cents)
        case .best_case: a.bestCase.add(cents)
        case .pipeline: break
        }
    }

    /// `forecast` = closed + weighted, the weighted part rounded once with the sum.
    func finish(_ a: Acc) throws -> [Value] {
        var forecast = a.weighted
        forecast.microCents += a.closed.cents * 1_000_000
        guard let total = forecast.money else { throw MoneyOverflow(what: "a forecast") }
        return [.number(Double(a.deals)), try a.amount.figure(), try a.weighted.figure(), try a.commit.figure(),
                try a.bestCase.figure(), try a.closed.figure(), .money(total)]
    }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in
            t.deals += a.deals; t.amount.add(a.amount); t.weighted.add(a.weighted)
            t.commit.add(a.commit); t.bestCase.add(a.bestCase); t.closed.add(a.closed)
        }
    }
}
