/// `export deals|history|leads|tasks|notifications [where ...] [show ...] to FILE`: the table
/// the equivalent query shows, for the shell to write in the format of the file's extension.
///
/// - `export deals` without `show` writes every stored field (not the short list `deals`
///   shows), so the file re-imports to the same deals.
/// - `export history` writes one row per stage change: deal, from, to, at, forced, each
///   deal's changes in the order they happened; `where` and `show` use those columns.
/// - `export leads|tasks|notifications` are the `leads`, `tasks` and `notifications` queries.
struct Exporter {
    let state: FunnelState
    let today: Int32
    let file: SourceFile

    static let historyColumns = [ResultColumn("deal", .text), ResultColumn("from", .text), ResultColumn("to", .text),
                                 ResultColumn("at", .date), ResultColumn("forced", .text)]

    func table(kind: ExportKind, filter: Expr?, columns: [Expr]?, range: SourceRange) throws -> ResultTable {
        let ctx = EvalContext(state: state, today: today)
        switch kind {
        case .deals:
            if columns == nil { return try allDealFields(filter: filter, ctx: ctx) }
            return try QueryRunner(context: ctx, file: file).run(Query(verb: .deals, filter: filter, columns: columns, range: range))
        case .history:
            return try history(filter: filter, columns: columns, ctx: ctx)
        case .leads, .tasks, .notifications:
            let verb: QueryVerb = kind == .leads ? .leads : kind == .tasks ? .tasks : .notifications
            return try QueryRunner(context: ctx, file: file).run(Query(verb: verb, filter: filter, columns: columns, range: range))
        }
    }

    /// Every stored deal field, built-in then declared, in `import deals` terms.
    static let storedFields = ["id", "name", "funnel", "stage", "status", "amount", "owner", "team", "source", "product", "account",
                               "created", "close_date", "closed", "lost_reason", "probability", "category", "currency"]

    func allDealFields(filter: Expr?, ctx: EvalContext) throws -> ResultTable {
        let compiler = ExprCompiler(context: ctx, file: file)
        let keep = try filter.map { try compiler.predicate($0) }
        let names = Self.storedFields + state.catalog.fieldOrder
        let exprs = names.map { Expr(.name($0), SourceRange(0, 0)) }
        let deals = state.deals, pool = state.pool
        // A deal's own probability and category, empty when it takes its stage's: the file then
        // re-imports to the same overrides, and a stage's later change still reaches the others.
        let ownCategory = deals.custom["category"]
        let evals = try zip(names, exprs).map { name, e -> ExprCompiler.Eval in
            switch name {
            case "probability": return { r in deals.probability[r].isNaN ? .null : .number(deals.probability[r]) }
            case "category": return { r in ownCategory.map { r < $0.count ? $0[r] : .null } ?? .null }
            // The stored team, not the owner's one a query's `team` falls back to (People.swift).
            case "team": return { r in deals.team[r] == Empty.text ? .null : .text(pool[deals.team[r]]) }
            default: return try compiler.compile(e)
            }
        }
        let columns = zip(names, exprs).map { ResultColumn($0, ColumnKinds.kind(of: $1, catalog: state.catalog)) }
        var rows: [[Value]] = []
        for r in 0..<state.deals.count {
            if let keep, !keep(r) { continue }
            rows.append(evals.map { $0(r) })
        }
        return ResultTable(columns: columns, rows: rows)
    }

    func history(filter: Expr?, columns: [Expr]?, ctx: EvalContext) throws -> ResultTable {
        let h = state.history, pool = state.pool, ids = state.deals.ids
        // Each deal's changes together, in recorded order, which is date order per deal.
        let order = (0..<h.count).sorted { h.deal[$0] != h.deal[$1] ? h.deal[$0] < h.deal[$1] : $0 < $1 }
        let all: [[Value]] = order.map { k in
            [.text(ids[Int(h.deal[k])]),
             h.fromStage[k] == Empty.text ? .null : .text(pool[h.fromStage[k]]),
             .text(pool[h.stage[k]]),
             .date(h.day[k]),
             h.forcedReason[k] == Empty.text ? .null : .text(pool[h.forcedReason[k]])]
        }
        let names = Self.historyColumns.map(\.name)
        let resolve: (String, SourceRange) throws -> ExprCompiler.Eval = { name, range in
            guard let c = names.firstIndex(of: name) else {
                throw Diagnostic(.name, "E206", "export history has no column '\(name)'", file: self.file, range: range,
                                 help: Suggest.closest(to: name, in: names).map { "did you mean '\($0)'?" }
                                    ?? "its columns are: " + names.joined(separator: ", "))
            }
            return { all[$0][c] }
        }
        let compiler = ExprCompiler(context: ctx, file: file, names: resolve)
        let keep = try filter.map { try compiler.predicate($0) }
        let rows = all.indices.filter { keep?($0) ?? true }
        guard let columns else { return ResultTable(columns: Self.historyColumns, rows: rows.map { all[$0] }) }
        let evals = try columns.map { try compiler.compile($0) }
        let result = columns.map { e -> ResultColumn in
            if case .name(let n) = e.kind, let c = Self.historyColumns.first(where: { $0.name == n }) { return c }
            return ResultColumn(file.text(e.range), ColumnKinds.kind(of: e, catalog: Catalog()))
        }
        return ResultTable(columns: result, rows: rows.map { r in evals.map { $0(r) } })
    }
}
