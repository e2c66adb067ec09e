/// `forecast rollup`: the forecast along the manager hierarchy (as it stands today, or on
/// the `as of` day). Each person's row adds their own deals (they are the owner) to the rows
/// of everyone who reports to them, at any depth; people are listed depth first under their
/// manager. Deals whose owner is no declared person share one last row. The total adds the
/// top of the hierarchy and that row, so no deal counts twice.
struct RollupReport {
    let runner: QueryRunner
    var ctx: EvalContext { runner.ctx }

    static let scan = "open and won deals as forecast reads them, each added to its owner and every manager above"

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let kernel = ForecastReport(ctx)
        let state = ctx.state, people = state.people, deals = state.deals, today = ctx.today
        var own: [String: ForecastReport.Acc] = [:]
        var unassigned = ForecastReport.Acc()
        var anyUnassigned = false
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if !kernel.includes(r, window: plan.window) { continue }
            if let keep = plan.dealFilter, !keep(r) { continue }
            let owner = deals.owner[r] == Empty.text ? nil : state.pool[deals.owner[r]]
            if let o = owner, people.isPerson(o) {
                kernel.add(r, to: &own[o, default: ForecastReport.Acc()])
            } else {
                kernel.add(r, to: &unassigned)
                anyUnassigned = true
            }
        }
        // The hierarchy today: a person whose manager is not a declared person is at the top.
        var reports: [String: [String]] = [:], roots: [String] = []
        for id in people.order {
            if let m = people.person(id, on: today)?.manager, people.isPerson(m), m != id {
                reports[m, default: []].append(id)
            } else {
                roots.append(id)
            }
        }
        var rows: [[Value]] = []
        var visited = Set<String>()
        func rolled(_ id: String, manager: String?) throws -> ForecastReport.Acc {
            // A cycle is refused when recorded; a damaged journal's still ends here.
            guard visited.insert(id).inserted else { return ForecastReport.Acc() }
            let at = rows.count
            rows.append([])
            var total = own[id] ?? ForecastReport.Acc()
            for child in reports[id] ?? [] { total = kernel.merge([total, try rolled(child, manager: id)]) }
            rows[at] = [.text(id), manager.map { .text($0) } ?? .null] + (try kernel.finish(total))
            return total
        }
        var tops = try roots.map { try rolled($0, manager: nil) }
        if anyUnassigned {
            rows.append([.null, .null] + (try kernel.finish(unassigned)))
            tops.append(unassigned)
        }
        let columns = [ResultColumn("person", .text), ResultColumn("manager", .text)] + QuerySpec.of(.forecastRollup).columns
        var table = ResultTable(columns: columns, rows: rows,
                                total: [.text("total"), .text("")] + (try kernel.finish(kernel.merge(tops))))
        if let shown = plan.query.columns { table = GroupedTable<ForecastReport.Acc>.project(table, groups: 2, shown: shown) }
        return table
    }
}
