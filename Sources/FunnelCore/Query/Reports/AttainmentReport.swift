/// `attainment`: one row per quota (METRICS.md, "attainment"). For a quota of holder H for
/// period P: `won` Σ amount of deals won in P that count for H (a person: the deals they
/// own; a team: the deals whose `team` — their own, else their owner's on the day they were
/// won — is H); `attainment` = won ÷ quota; `gap` = max(0, quota − won); `pipeline` and
/// `weighted` over H's open deals whose close_date falls in P; `coverage` = pipeline ÷ gap
/// (empty when the gap is 0). `during` keeps the quotas whose period overlaps the window;
/// the figures are always for the quota's whole period.
struct AttainmentReport {
    let runner: QueryRunner
    var ctx: EvalContext { runner.ctx }

    /// Deals' amounts add up exactly (MoneySum, WeightedSum); a quota is a Double rounded to
    /// cents when it was recorded.
    struct Acc { var quota = 0.0, won = MoneySum(), pipeline = MoneySum(), weighted = WeightedSum() }

    static let scan = "quotas, then won deals by closed date and open deals by close_date within each quota's period"

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let q = plan.query
        var kinds: [QuotaHolder.Kind] = [.team, .person]
        var holderColumn = "holder"
        if let g = q.groups.first, case .name(let n) = g.kind {
            kinds = n == "team" ? [.team] : [.person]
            holderColumn = n
        }
        var quotas = ctx.state.people.quotas.filter { kinds.contains($0.holder.kind) }
        if let (lo, hi) = plan.window { quotas = quotas.filter { $0.period.start < hi && lo < $0.period.end } }
        // Teams first, then people; each holder in the order first given a quota; periods by date.
        var holderOrder: [QuotaHolder] = []
        for quota in quotas where !holderOrder.contains(quota.holder) { holderOrder.append(quota.holder) }
        holderOrder = holderOrder.filter { $0.kind == .team } + holderOrder.filter { $0.kind == .person }
        let periods = Array(Set(quotas.map(\.period))).sorted { ($0.start, $0.end) < ($1.start, $1.end) }

        let deals = ctx.state.deals, pool = ctx.state.pool, teams = ctx.teams
        let keep = plan.dealFilter
        let indexer = GroupIndexer([
            Grouping.Dimension(name: holderColumn, kind: .text, key: { _ in 0 }, decode: { .text(holderOrder[Int($0)].name) },
                               rank: { (Int($0), "") }),
            Grouping.Dimension(name: "period", kind: .text, key: { _ in 0 }, decode: { .text(periods[Int($0)].label) },
                               rank: { (Int($0), "") }),
        ])
        var accs: [Acc] = []
        for quota in quotas {
            guard let h = holderOrder.firstIndex(of: quota.holder), let p = periods.firstIndex(of: quota.period) else { continue }
            indexer.seed(Grouping.Key(a: Int64(h), b: Int64(p)))
            let code = pool.code(of: quota.holder.name) ?? Empty.text - 1
            let column = quota.holder.kind == .team ? teams : deals.owner
            var a = Acc(quota: quota.amount)
            for r in 0..<deals.count where column[r] == code {
                try Cancellation.checkpoint(r)
                let status = deals.status[r]
                if status == .lost { continue }
                let day = status == .won ? deals.closed[r] : deals.closeDate[r]
                guard quota.period.contains(day) else { continue }
                if let keep, !keep(r) { continue }
                let cents = deals.cents(r)
                if status == .won {
                    a.won.add(cents)
                } else {
                    a.pipeline.add(cents)
                    a.weighted.add(cents: cents, millionths: ctx.probabilityMillionths(r))
                }
            }
            accs.append(a)
        }
        let columns = QuerySpec.of(.attainment).columns
        // A total adds up holders of one kind only: a team's quota already holds its people's.
        return try GroupedTable(indexer: indexer, metricColumns: columns, finish: Self.finish, merge: Self.merge,
                                wantsTotal: !q.groups.isEmpty)
            .build(accs, query: q, groupFilter: plan.checked.groupFilter, file: runner.file)
    }

    static func finish(_ a: Acc) throws -> [Value] {
        guard let quota = Money(a.quota) else { throw MoneyOverflow(what: "a quota") }
        let won = try a.won.figure(), pipeline = try a.pipeline.figure()
        let gap = max(0, Int128(quota.cents) - a.won.cents)
        guard let gapMoney = Money(exactly: gap) else { throw MoneyOverflow(what: "a gap") }
        return [.money(quota), won, quota.cents > 0 ? .number(Double(a.won.cents) / Double(quota.cents)) : .null, .money(gapMoney),
                pipeline, try a.weighted.figure(), gap > 0 ? .number(Double(a.pipeline.cents) / Double(gap)) : .null]
    }

    static func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in t.quota += a.quota; t.won.add(a.won); t.pipeline.add(a.pipeline); t.weighted.add(a.weighted) }
    }
}
