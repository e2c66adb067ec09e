/// `stale`: the open deals whose days in their current stage exceed that stage's
/// `stale after` (METRICS.md), one row each: `id, name, owner, stage, days_in_stage,
/// limit_days`. The clock restarts only on a stage change. The longest stuck come first;
/// with `by`, the group columns come first and the rows are listed group by group (a
/// column a group already shows is not repeated). `where` filters deals.
struct StaleReport {
    let runner: QueryRunner

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let q = plan.query
        let ctx = runner.ctx
        let deals = ctx.state.deals
        let keep = plan.dealFilter
        // The resolver refuses more groups (E213); a query funnel builds itself never has them.
        if q.groups.count > plan.spec.maxGroups {
            throw Diagnostic(.name, "E213", plan.spec.groupLimitMessage, file: runner.file, range: q.groups[plan.spec.maxGroups].range)
        }
        let dims = try runner.dimensions(q.groups)
        let groupNames = Set(dims.map(\.name))
        let ids = deals.ids
        let idDim = Grouping.Dimension(name: "id", kind: .text, key: { Int64($0) }, decode: { .text(ids[Int($0)]) },
                                       rank: { (0, ids[Int($0)]) })
        let indexer = GroupIndexer(dims + (groupNames.contains("id") ? [] : [idDim]))
        var rows: [Int] = []
        for r in 0..<deals.count where ctx.isStale(r) {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if indexer.group(of: r) == rows.count { rows.append(r) }
        }
        let columns = ResultColumns.of(.stale).filter { $0.name != "id" && !groupNames.contains($0.name) }
        let name = try runner.compiler.compile(Expr(.name("name"), SourceRange(0, 0)))
        let owner = try runner.compiler.compile(Expr(.name("owner"), SourceRange(0, 0)))
        let slotStage = ctx.state.slots.stage, pool = ctx.state.pool, slotInfo = ctx.slotInfo
        let finish: (Int) -> [Value] = { r in
            var out: [Value] = []
            for c in columns {
                switch c.name {
                case "name": out.append(name(r))
                case "owner": out.append(owner(r))
                case "stage": out.append(.text(pool[slotStage[Int(deals.stageSlot[r])]]))
                case "days_in_stage": out.append(.number(Double(ctx.daysInStage(r))))
                default: out.append(slotInfo[Int(deals.stageSlot[r])].staleAfterDays.map { .number(Double($0)) } ?? .null)
                }
            }
            return out
        }
        var table = GroupedTable<Int>(indexer: indexer, metricColumns: columns, finish: finish, merge: { _ in 0 }, wantsTotal: false)
        table.rankLastKey = { a, b in
            let x = ctx.daysInStage(a), y = ctx.daysInStage(b)
            return x == y ? nil : x > y
        }
        return try table.build(rows, query: q, groupFilter: nil, file: runner.file)
    }
}
