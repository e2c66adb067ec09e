/// `velocity` (money per day) = open_deals × avg_won_amount × win_rate ÷ avg_cycle_days.
/// `open_deals` counts the deals open now; the other three come from deals closed in the
/// `during` window (all closed deals without one): `avg_won_amount` over the won deals that
/// have an amount, `win_rate` = won / (won + lost), `avg_cycle_days` = mean closed − created
/// of the won deals. Velocity is empty when any factor is, or when avg_cycle_days is 0.
struct VelocityReport: GroupedKernel {
    let deals: DealTable
    var columns: [ResultColumn] { QuerySpec.of(.velocity).columns }

    init(_ ctx: EvalContext) { deals = ctx.state.deals }

    struct Acc {
        var open = 0, won = 0, lost = 0
        var wonAmount = MoneySum(), wonWithAmount = 0
        var cycleDays = 0, cycles = 0
    }

    var scan: String { "every deal; during keeps the closed deals closed in the window (open deals always count)" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        deals.status[r] == .open || (deals.status[r].isClosed && ClosedWindow.contains(deals.closed[r], window))
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        switch deals.status[r] {
        case .open: a.open += 1
        case .removed: break
        case .lost: a.lost += 1
        case .won:
            a.won += 1
            if deals.amount[r] != Empty.money { a.wonAmount.add(deals.amount[r]); a.wonWithAmount += 1 }
            if deals.closed[r] != Empty.date, deals.created[r] != Empty.date {
                a.cycleDays += Int(deals.closed[r] - deals.created[r]); a.cycles += 1
            }
        }
    }

    func finish(_ a: Acc) throws -> [Value] {
        let avgWon = try a.wonAmount.average(count: a.wonWithAmount)
        let rate = ReportMath.ratio(a.won, a.won + a.lost)
        let cycle = ReportMath.mean(Double(a.cycleDays), a.cycles)
        var velocity = Value.null
        if a.wonWithAmount > 0, a.won + a.lost > 0, a.cycles > 0, a.cycleDays != 0 {
            // open × (Σ won ÷ n) × (won ÷ closed) ÷ (Σ days ÷ cycles), as one exact fraction
            // rounded to cents once.
            let numerator = [Int128(a.open), Int128(a.won), Int128(a.cycles)].reduce(Optional(a.wonAmount.cents)) { p, f in
                p.flatMap { x in let (r, o) = x.multipliedReportingOverflow(by: f); return o ? nil : r }
            }
            let denominator = Int128(a.wonWithAmount) * Int128(a.won + a.lost) * Int128(a.cycleDays)
            // Past Int128 (millions of deals of billions each) the fraction is taken in floating point.
            let exact = numerator.map { Money.divideRounded($0, by: denominator) }
                ?? Money(Double(a.open) * (Double(a.wonAmount.cents) / 100 / Double(a.wonWithAmount)) * Double(a.won)
                         / Double(a.won + a.lost) / (Double(a.cycleDays) / Double(a.cycles)))
            guard let m = exact else { throw MoneyOverflow(what: "a velocity") }
            velocity = .money(m)
        }
        return [.number(Double(a.open)), avgWon, rate, cycle, velocity]
    }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in
            t.open += a.open; t.won += a.won; t.lost += a.lost; t.wonAmount.add(a.wonAmount)
            t.wonWithAmount += a.wonWithAmount; t.cycleDays += a.cycleDays; t.cycles += a.cycles
        }
    }
}
