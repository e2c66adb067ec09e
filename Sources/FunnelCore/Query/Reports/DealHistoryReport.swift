/// `history of deal "D-1"`: one row per stage change, oldest first — `at` (the effective
/// date), `from_stage` (empty on the first row, when the deal was created), `to_stage`,
/// `days_in_previous` (days since the change before; empty on the first row) and
/// `forced_reason` (the reason of a `force because` move). `where` filters these rows,
/// `during` keeps changes dated in the window.
struct DealHistoryReport {
    let runner: QueryRunner

    func run(_ plan: QueryPlan, deal idExpr: Expr) throws -> ResultTable {
        let q = plan.query
        let state = runner.ctx.state
        let id: String
        if case .string(let s) = idExpr.kind { id = s } else { id = runner.file.text(idExpr.range) }
        guard let r = state.row(of: id) else {
            // The deletion is there on every day: a deleted deal's history says that it is.
            if let gone = runner.ctx.state.erasure.deletions(of: id).last(where: { $0.restoredOn == nil }) {
                throw Diagnostic(.runtime, "R101", "no deal \"\(id)\": it was deleted on \(Calendar.format(gone.day)) (\(gone.reason))",
                                 file: runner.file, range: idExpr.range, help: "restore deal \"\(id)\" brings it back")
            }
            let near = Suggest.closest(to: id, in: state.deals.ids.count <= 50_000 ? state.deals.ids : [])
            throw Diagnostic(.runtime, "R101", "no deal \"\(id)\"" + (runner.asOfDay.map { " as of \(Calendar.format($0))" } ?? ""), file: runner.file,
                             range: idExpr.range, help: near.map { "did you mean \"\($0)\"?" })
        }
        let h = state.history, pool = state.pool
        let index = DealHistoryIndex(h, dealCount: state.deals.count)
        let window = plan.window
        var rows: [[Value]] = []
        var previousDay: Int32?
        for j in index.range(of: r) {
            let e = Int(index.entries[j])
            let day = h.day[e]
            defer { previousDay = day }
            if !ClosedWindow.contains(day, window) { continue }
            func text(_ code: Int32) -> Value { code == Empty.text ? .null : .text(pool[code]) }
            rows.append([.date(day), text(h.fromStage[e]), text(h.stage[e]),
                         previousDay.map { .number(Double(day - $0)) } ?? .null, text(h.forcedReason[e])])
        }
        let indexer = GroupIndexer([])
        for _ in rows { indexer.seed(Grouping.Key(a: Int64(indexer.keys.count))) }
        return try GroupedTable<[Value]>(indexer: indexer, metricColumns: ResultColumns.of(q.verb), finish: { $0 },
                                         merge: { _ in [] }, wantsTotal: false)
            .build(rows, query: q, groupFilter: plan.checked.groupFilter, file: runner.file)
    }
}
