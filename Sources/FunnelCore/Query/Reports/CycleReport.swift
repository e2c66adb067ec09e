/// `cycle`: won deals closed in the `during` window (all won deals without one): `won`,
/// and `avg_days` / `median_days` of closed − created (the median of an even count is the
/// mean of the two middle values). A won deal with no closed date counts in `won` but
/// has no cycle length.
struct CycleReport: GroupedKernel {
    let deals: DealTable
    var columns: [ResultColumn] { QuerySpec.of(.cycle).columns }

    init(_ ctx: EvalContext) { deals = ctx.state.deals }

    struct Acc { var won = 0; var days: [Int32] = [] }

    var scan: String { "won deals; during keeps those closed in the window" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        deals.status[r] == .won && ClosedWindow.contains(deals.closed[r], window)
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        a.won += 1
        let closed = deals.closed[r]
        if closed != Empty.date, deals.created[r] != Empty.date { a.days.append(closed - deals.created[r]) }
    }

    func finish(_ a: Acc) -> [Value] {
        [.number(Double(a.won)), ReportMath.mean(Double(a.days.reduce(0) { $0 + Int($1) }), a.days.count), ReportMath.median(a.days)]
    }

    func merge(_ accs: [Acc]) -> Acc { accs.reduce(into: Acc()) { t, a in t.won += a.won; t.days += a.days } }
}
