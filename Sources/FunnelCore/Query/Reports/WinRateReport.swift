/// `win rate`: deals closed (won or lost) in the `during` window by their closed date (all
/// closed deals without one): `won`, `lost`, `win_rate` = won / (won + lost) (empty when
/// nothing closed), `won_amount` = Σ amount of the won deals. A reopened deal counts by
/// its status now; a closed deal with no closed date counts only when there is no window.
struct WinRateReport: GroupedKernel {
    let deals: DealTable
    var columns: [ResultColumn] { QuerySpec.of(.winRate).columns }

    init(_ ctx: EvalContext) { deals = ctx.state.deals }

    struct Acc { var won = 0; var lost = 0; var wonAmount = MoneySum() }

    var scan: String { "won and lost deals; during keeps those closed in the window" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        deals.status[r].isClosed && ClosedWindow.contains(deals.closed[r], window)
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        if deals.status[r] == .won {
            a.won += 1
            a.wonAmount.add(deals.cents(r))
        } else {
            a.lost += 1
        }
    }

    func finish(_ a: Acc) throws -> [Value] {
        [.number(Double(a.won)), .number(Double(a.lost)), ReportMath.ratio(a.won, a.won + a.lost), try a.wonAmount.figure()]
    }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in t.won += a.won; t.lost += a.lost; t.wonAmount.add(a.wonAmount) }
    }
}

/// Whether a closed date falls in a `during` window; with no window every closed deal
/// counts, with one a deal with no closed date does not.
enum ClosedWindow {
    @inline(__always)
    static func contains(_ day: Int32, _ window: (Int32, Int32)?) -> Bool {
        guard let (lo, hi) = window else { return true }
        return day != Empty.date && day >= lo && day < hi
    }
}
