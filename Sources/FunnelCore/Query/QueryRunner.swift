/// Plans and runs a query: compiles the deal filter once, picks the report, and hands it
/// the rows that pass.
struct QueryRunner {
    let ctx: EvalContext
    let file: SourceFile
    let compiler: ExprCompiler
    /// The day of an `as of` this runner answers for, named in messages.
    var asOfDay: Int32?

    init(context: EvalContext, file: SourceFile) {
        self.ctx = context
        self.file = file
        self.compiler = ExprCompiler(context: context, file: file)
    }

    func run(_ q: Query) throws -> ResultTable {
        if let a = q.asOf { return try runAsOf(q, a) }
        switch q.verb {
        case .deals: return try DealList(runner: self).run(q)
        case .count(of: "leads"): return try RecordQueries(runner: self).run(q)
        case .count, .aggregate: return try Aggregates(runner: self).run(q)
        case .pipeline: return try PipelineReport(runner: self).run(q)
        case .forecast: return try ForecastReport(runner: self).run(q)
        case .conversion: return try ConversionReport(runner: self).run(q)
        case .winRate: return try WinRateReport(runner: self).run(q)
        case .timeInStage: return try TimeInStageReport(runner: self).run(q)
        case .cycle: return try CycleReport(runner: self).run(q)
        case .velocity: return try VelocityReport(runner: self).run(q)
        case .stale: return try StaleReport(runner: self).run(q)
        case .calibration: return try CalibrationReport(runner: self).run(q)
        case .bottlenecks: return try BottlenecksReport(runner: self).run(q)
        case .history(let deal): return try DealHistoryReport(runner: self).run(q, deal: deal)
        case .tasks, .notifications, .leads, .leadConversion: return try RecordQueries(runner: self).run(q)
        }
    }

    /// The deal-level part of the `where`, compiled; nil keeps every deal.
    func dealFilter(_ q: Query) throws -> ExprCompiler.Predicate? {
        try ResultColumns.splitWhere(q.filter, verb: q.verb).deals.map { try compiler.predicate($0) }
    }

    func groupFilter(_ q: Query) -> Expr? { ResultColumns.splitWhere(q.filter, verb: q.verb).groups }

    func window(_ q: Query) throws -> (Int32, Int32)? {
        try q.during.map { try WindowRange.resolve($0, today: ctx.today, file: file) }
    }

    func dimensions(_ exprs: [Expr]) throws -> [Grouping.Dimension] {
        if exprs.count > Grouping.maxKeys {
            throw Diagnostic(.runtime, "R121", "at most \(Grouping.maxKeys) groups in one by", file: file, range: exprs[Grouping.maxKeys].range)
        }
        return try exprs.map { try Grouping.dimension($0, ctx: ctx, compiler: compiler, file: file) }
    }
}

/// `deals [where] [order by] [limit] [show]`: one row per deal.
struct DealList {
    let runner: QueryRunner
    static let defaultColumns = ["id", "name", "stage", "status", "amount", "owner", "close_date"]

    func run(_ q: Query) throws -> ResultTable {
        let ctx = runner.ctx, file = runner.file
        let deals = ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        var rows: [Int] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if let (lo, hi) = window { let c = deals.created[r]; if c < lo || c >= hi { continue } }
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

/// `count deals`, `sum|avg|min|max EXPR`, grouped or not. Every deal the `where` keeps
/// counts, open or closed; `during` keeps deals created in the window.
struct Aggregates {
    let runner: QueryRunner

    struct Acc { var count = 0; var sum = 0.0; var min = Double.infinity; var max = -Double.infinity; var valued = 0 }

    func run(_ q: Query) throws -> ResultTable {
        let deals = runner.ctx.state.deals
        let keep = try runner.dealFilter(q)
        let window = try runner.window(q)
        let indexer = GroupIndexer(try runner.dimensions(q.groups))
        var function = "count"
        var value: ExprCompiler.Eval?
        if case .aggregate(let f, let e) = q.verb { function = f; value = try runner.compiler.compile(e) }
        var accs: [Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if let (lo, hi) = window { let c = deals.created[r]; if c < lo || c >= hi { continue } }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(Acc()) }
            accs[g].count += 1
            if let value, let x = value(r).number {
                accs[g].valued += 1; accs[g].sum += x
                accs[g].min = Swift.min(accs[g].min, x); accs[g].max = Swift.max(accs[g].max, x)
            }
        }
        indexer.ensureSingleGroup()
        if accs.count < indexer.keys.count { accs.append(Acc()) }
        let finish: (Acc) -> [Value] = { a in
            switch function {
            case "count": return [.number(Double(a.count))]
            case "sum": return [.number(a.sum)]
            case "avg": return [a.valued == 0 ? .null : .number(a.sum / Double(a.valued))]
            case "min": return [a.valued == 0 ? .null : .number(a.min)]
            default: return [a.valued == 0 ? .null : .number(a.max)]
            }
        }
        let merge: ([Acc]) -> Acc = { xs in
            xs.reduce(into: Acc()) { t, a in
                t.count += a.count; t.sum += a.sum; t.valued += a.valued
                t.min = Swift.min(t.min, a.min); t.max = Swift.max(t.max, a.max)
            }
        }
        var columns = ResultColumns.of(q.verb)
        if case .aggregate(_, let e) = q.verb {
            let kind = ColumnKinds.kind(of: e, catalog: runner.ctx.state.catalog)
            columns = [ResultColumn(function, kind == .money ? .money : kind == .rate ? .rate : .number)]
        }
        return try GroupedTable(indexer: indexer, metricColumns: columns, finish: finish, merge: merge, wantsTotal: true)
            .build(accs, query: q, groupFilter: runner.groupFilter(q), file: runner.file)
    }
}
