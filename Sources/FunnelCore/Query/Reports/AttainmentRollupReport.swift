/// `attainment rollup` and `attainment by manager`: quota attainment along the manager
/// hierarchy (METRICS.md, "attainment rollup"). One row per person and period P of the
/// people's quotas: `quota` is the person's own quota for P (their quotas for periods within
/// P, added up) — a manager's quota is their own number for the team they lead, not the sum
/// of their reports' (as in Salesforce's Collaborative Forecasts); `won`, `pipeline` and
/// `weighted` add the person's own deals to those of everyone under them, at any depth.
/// A deal climbs the hierarchy as it stood on its day (a won deal the day it was won, an
/// open one today), as `team` and `manager` do; the rows follow today's hierarchy, depth
/// first. Deals whose owner is no declared person share a last row. The total counts every
/// deal once (so its won equals all that was won in P), against the quotas of the people at
/// the top of the hierarchy, whose numbers hold everyone under them; with rows for several
/// periods there is no total (a quarter would be added to its own months).
/// `by manager` keeps the rows of the people who manage someone today; its total counts once
/// every deal under one of them, against the quotas of those with no manager above them.
struct AttainmentRollupReport {
    let runner: QueryRunner
    var ctx: EvalContext { runner.ctx }

    static let scan = "the people's quota periods; in each, won deals by closed date and open deals by close_date, "
        + "each added to its owner and every manager above the owner on the deal's day"

    func run(_ plan: QueryPlan, managersOnly: Bool) throws -> ResultTable {
        let state = ctx.state, people = state.people, deals = state.deals, today = ctx.today
        let quotas = people.quotas.filter { $0.holder.kind == .person }
        var shownQuotas = quotas
        if let (lo, hi) = plan.window { shownQuotas = quotas.filter { $0.period.start < hi && lo < $0.period.end } }
        let periods = Array(Set(shownQuotas.map(\.period))).sorted { ($0.start, $0.end) < ($1.start, $1.end) }

        // The hierarchy today: depth first under each person at the top.
        var reports: [String: [String]] = [:], roots: [String] = []
        for id in people.order {
            if let m = people.person(id, on: today)?.manager, people.isPerson(m), m != id {
                reports[m, default: []].append(id)
            } else {
                roots.append(id)
            }
        }
        var listed: [(id: String, manager: String?)] = []
        var visited = Set<String>()
        func visit(_ id: String, _ manager: String?) {
            // A cycle is refused when recorded; a damaged journal's still ends here.
            guard visited.insert(id).inserted else { return }
            listed.append((id, manager))
            for child in reports[id] ?? [] { visit(child, id) }
        }
        for r in roots { visit(r, nil) }
        let managers = Set(reports.keys)
        if managersOnly { listed = listed.filter { managers.contains($0.id) } }
        // Whose quota the total measures against: the top of what is listed.
        let shown = Set(listed.map(\.id))
        let tops = listed.filter { entry in !people.managers(above: entry.id, on: today).contains(where: shown.contains) }.map(\.id)

        var chains: [Int64: [String]] = [:]
        func chain(_ owner: Int32, on day: Int32) -> [String] {
            let key = Int64(owner) << 32 | Int64(UInt32(bitPattern: day))
            if let c = chains[key] { return c }
            let id = state.pool[owner]
            let c = people.isPerson(id) ? [id] + people.managers(above: id, on: day) : []
            chains[key] = c
            return c
        }

        var rows: [[Value]] = []
        var total = Acc(), totalQuota: Double?
        for period in periods {
            var accs: [String: Acc] = [:]
            var unassigned = Acc(), anyUnassigned = false
            for r in 0..<deals.count {
                try Cancellation.checkpoint(r)
                let status = deals.status[r]
                if status == .lost { continue }
                let won = status == .won
                guard period.contains(won ? deals.closed[r] : deals.closeDate[r]) else { continue }
                if let keep = plan.dealFilter, !keep(r) { continue }
                let amount = deals.cents(r)
                let weighted = won ? 0 : ctx.probabilityMillionths(r)
                let owners = deals.owner[r] == Empty.text ? [] : chain(deals.owner[r], on: won ? deals.closed[r] : today)
                for id in owners { accs[id, default: Acc()].add(won: won, amount: amount, weighted: weighted) }
                if owners.isEmpty {
                    unassigned.add(won: won, amount: amount, weighted: weighted)
                    anyUnassigned = true
                }
                if !managersOnly || owners.contains(where: managers.contains) {
                    total.add(won: won, amount: amount, weighted: weighted)
                }
            }
            func quota(of id: String) -> Double? {
                let own = quotas.filter { $0.holder.name == id && $0.period.start >= period.start && $0.period.end <= period.end }
                return own.isEmpty ? nil : own.reduce(0) { $0 + $1.amount }
            }
            for entry in listed {
                let holder: [Value] = managersOnly ? [.text(entry.id)] : [.text(entry.id), entry.manager.map { .text($0) } ?? .null]
                rows.append(holder + [.text(period.label)] + (try Self.finish(quota: quota(of: entry.id), accs[entry.id] ?? Acc())))
            }
            if anyUnassigned, !managersOnly { rows.append([.null, .null, .text(period.label)] + (try Self.finish(quota: nil, unassigned))) }
            for id in tops { if let q = quota(of: id) { totalQuota = (totalQuota ?? 0) + q } }
        }

        let holderColumns = managersOnly ? [ResultColumn("manager", .text)] : [ResultColumn("person", .text), ResultColumn("manager", .text)]
        let columns = holderColumns + [ResultColumn("period", .text)] + QuerySpec.of(.attainment).columns
        var table = ResultTable(columns: columns, rows: rows,
                                total: rows.isEmpty || periods.count > 1 ? nil
                                    : [.text("total")] + Array(repeating: .text(""), count: holderColumns.count) + (try Self.finish(quota: totalQuota, total)))
        if let shownColumns = plan.query.columns {
            table = GroupedTable<Acc>.project(table, groups: holderColumns.count + 1, shown: shownColumns)
        }
        return table
    }

    struct Acc {
        var won = MoneySum(), pipeline = MoneySum(), weighted = WeightedSum()
        /// `weighted` is the deal's probability in millionths.
        mutating func add(won isWon: Bool, amount: Int64, weighted millionths: Int64) {
            if isWon { won.add(amount) } else { pipeline.add(amount); weighted.add(cents: amount, millionths: millionths) }
        }
    }

    /// The figures of `attainment` (AttainmentReport.finish) for a row whose quota may be
    /// missing: a person without a quota for the period has no attainment, gap or coverage.
    static func finish(quota: Double?, _ a: Acc) throws -> [Value] {
        guard let quota else { return [.null, try a.won.figure(), .null, .null, try a.pipeline.figure(), try a.weighted.figure(), .null] }
        return try AttainmentReport.finish(AttainmentReport.Acc(quota: quota, won: a.won, pipeline: a.pipeline, weighted: a.weighted))
    }
}
