/// `pipeline`: open deals per group (default by stage, in funnel order): `deals`,
/// `amount`, and `weighted` = Σ amount × probability (METRICS.md). `during` keeps open
/// deals whose expected close date falls in the window.
struct PipelineReport: GroupedKernel {
    let ctx: EvalContext
    let deals: DealTable
    var columns: [ResultColumn] { QuerySpec.of(.pipeline).columns }

    init(_ ctx: EvalContext) { self.ctx = ctx; deals = ctx.state.deals }

    struct Acc { var deals = 0; var amount = MoneySum(); var weighted = WeightedSum() }

    var scan: String { "open deals; during keeps those whose close_date falls in the window" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        guard deals.status[r] == .open else { return false }
        if let (lo, hi) = window { let c = deals.closeDate[r]; if c == Empty.date || c < lo || c >= hi { return false } }
        return true
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        let cents = deals.cents(r)
        a.deals += 1
        a.amount.add(cents)
        a.weighted.add(cents: cents, millionths: ctx.probabilityMillionths(r))
    }

    func finish(_ a: Acc) throws -> [Value] { [.number(Double(a.deals)), try a.amount.figure(), try a.weighted.figure()] }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in t.deals += a.deals; t.amount.add(a.amount); t.weighted.add(a.weighted) }
    }

    /// By stage (the default), every open stage shows, even with no deals in it.
    func seed(_ indexer: GroupIndexer, plan: QueryPlan) -> Int {
        guard plan.groups.count == 1, case .name("stage") = plan.groups[0].kind else { return 0 }
        var seeded = 0
        for name in ctx.state.catalog.funnelOrder {
            for s in ctx.state.catalog.funnels[name]?.openStages ?? [] {
                guard let code = ctx.state.pool.code(of: s.name) else { continue }
                if indexer.seed(Grouping.Key(a: Int64(code))) == seeded { seeded += 1 }
            }
        }
        return seeded
    }
}
