/// `deals [where] [during] [order by] [limit] [show]`: one row per deal kept, the columns
/// `show` names (by default id, name, stage, status, amount, owner, close_date). `during`
/// keeps deals created in the window.
struct DealListReport {
    let runner: QueryRunner
    static let defaultColumns = ["id", "name", "stage", "status", "amount", "owner", "close_date"]
    static let scan = "every deal; during keeps those created in the window"

    func run(_ plan: QueryPlan) throws -> ResultTable {
        let q = plan.query
        let ctx = runner.ctx, file = runner.file
        let deals = ctx.state.deals
        let keep = plan.dealFilter, window = plan.window
        var rows: [Int] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if let (lo, hi) = window { let c = deals.created[r]; if c < lo || c >= hi { continue } }
            if let keep, !keep(r) { continue }
            rows.append(r)
        }
        rows = try RowOrder.sorted(rows, by: q.order, compiler: runner.compiler)
        if let limit = q.limit { rows = Array(rows.prefix(limit)) }
        let exprs: [Expr] = q.columns ?? Self.defaultColumns.map { Expr(.name($0), SourceRange(0, 0)) }
        let names = q.columns.map { $0.map { file.text($0.range) } } ?? Self.defaultColumns
        let evals = try exprs.map { try runner.compiler.compile($0) }
        let columns = zip(names, exprs).map { ResultColumn($0, ColumnKinds.kind(of: $1, catalog: ctx.state.catalog)) }
        return ResultTable(columns: columns, rows: rows.map { r in evals.map { $0(r) } })
    }
}
