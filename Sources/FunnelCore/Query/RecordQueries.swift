/// `tasks`, `notifications`, `leads`, `count leads` and `conversion of leads`: queries over
/// the automation records, with the same clauses as deal queries. `during` keeps tasks due,
/// notifications made, or leads created in the window.
struct RecordQueries {
    let runner: QueryRunner

    var ctx: EvalContext { runner.ctx }
    var file: SourceFile { runner.file }

    func run(_ checked: CheckedQuery) throws -> ResultTable {
        let q = checked.query
        switch q.verb {
        case .tasks: return try list(q, RecordColumns.tasks(ctx))
        case .notifications: return try list(q, RecordColumns.notifications(ctx))
        case .leads: return try list(q, RecordColumns.leads(ctx))
        default: return try leadFigures(checked)
        }
    }

    /// The rows a `where` and `during` keep, in record order.
    func kept(_ q: Query, _ rc: RecordColumns, _ compiler: ExprCompiler, filter: Expr?) throws -> [Int] {
        let keep = try filter.map { try compiler.predicate($0) }
        let window = try runner.window(q)
        let date = rc.columns[rc.dateColumn]?.eval
        var rows: [Int] = []
        for r in 0..<rc.count {
            if let keep, !keep(r) { continue }
            if let (lo, hi) = window {
                guard let d = date?(r).date, d >= lo, d < hi else { continue }
            }
            rows.append(r)
        }
        return rows
    }

    func list(_ q: Query, _ rc: RecordColumns) throws -> ResultTable {
        if let g = q.groups.first {
            throw Diagnostic(.name, "E216", "\(rc.schema.plural) are listed one per row and cannot be grouped", file: file, range: g.range,
                             help: rc.schema.plural == "leads" ? "count them instead: count leads by ..." : "filter them with where instead")
        }
        let compiler = rc.compiler(file: file)
        var rows = try kept(q, rc, compiler, filter: q.filter)
        rows = try RowOrder.sorted(rows, by: q.order, compiler: compiler)
        if let limit = q.limit { rows = Array(rows.prefix(limit)) }
        let exprs = q.columns ?? rc.schema.defaultColumns.map { Expr(.name($0), SourceRange(0, 0)) }
        let names = q.columns.map { $0.map { file.text($0.range) } } ?? rc.schema.defaultColumns
        let evals = try exprs.map { try compiler.compile($0) }
        let columns = zip(names, exprs).map { ResultColumn($0, rc.kind(of: $1)) }
        return ResultTable(columns: columns, rows: rows.map { r in evals.map { $0(r) } })
    }

    struct LeadAcc {
        var leads = 0
        var converted = 0
        var days = 0.0
        var timed = 0
    }

    /// `count leads` (`leads`) and `conversion of leads` (`leads, converted, rate,
    /// avg_days_to_deal`): the cohort is the leads the `where` keeps, created in the
    /// `during` window; avg_days_to_deal averages converted − created over converted leads.
    func leadFigures(_ checked: CheckedQuery) throws -> ResultTable {
        let q = checked.query
        let rc = RecordColumns.leads(ctx)
        let compiler = rc.compiler(file: file)
        let (leadFilter, groupFilter) = (checked.dealFilter, checked.groupFilter)
        let rows = try kept(q, rc, compiler, filter: leadFilter)
        let dims = try q.groups.map { g -> Grouping.Dimension in
            let v = try compiler.compile(g)
            let interner = ValueInterner()
            var name = file.text(g.range)
            if g.range.start == g.range.end, case .name(let n) = g.kind { name = n }
            return Grouping.Dimension(name: name, kind: rc.kind(of: g), key: { interner.code(v($0)) },
                                      decode: { interner.values[Int($0)] }, rank: { _ in (0, "") })
        }
        if dims.count > Grouping.maxKeys {
            throw Diagnostic(.name, "E213", "at most \(Grouping.maxKeys) groups in one by", file: file, range: q.groups[Grouping.maxKeys].range)
        }
        let leads = ctx.state.leads
        let indexer = GroupIndexer(dims)
        var accs: [LeadAcc] = []
        for r in rows {
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(LeadAcc()) }
            accs[g].leads += 1
            if leads.status[r] == .converted {
                accs[g].converted += 1
                if leads.converted[r] != Empty.date {
                    accs[g].days += Double(leads.converted[r] - leads.created[r])
                    accs[g].timed += 1
                }
            }
        }
        indexer.ensureSingleGroup()
        if accs.count < indexer.keys.count { accs.append(LeadAcc()) }
        let conversion = q.verb == .leadConversion
        let finish: (LeadAcc) -> [Value] = { a in
            guard conversion else { return [.number(Double(a.leads))] }
            return [.number(Double(a.leads)), .number(Double(a.converted)),
                    a.leads == 0 ? .null : .number(Double(a.converted) / Double(a.leads)),
                    a.timed == 0 ? .null : .number(a.days / Double(a.timed))]
        }
        let merge: ([LeadAcc]) -> LeadAcc = { xs in
            xs.reduce(into: LeadAcc()) { t, a in t.leads += a.leads; t.converted += a.converted; t.days += a.days; t.timed += a.timed }
        }
        return try GroupedTable(indexer: indexer, metricColumns: ResultColumns.of(q.verb), finish: finish, merge: merge, wantsTotal: true)
            .build(accs, query: q, groupFilter: groupFilter, file: file)
    }
}
