/// Runs a checked query: plans it (QueryPlan), then hands the plan to the report's kernel
/// (`kernel(for:)`, the one switch from a query kind to its report, which `.explain` reads
/// too) — the reports over grouped deals through the one row loop (QueryRunner+Execute.swift),
/// the reports with one row per stage, stale, a deal's history and the record queries
/// through their own loops.
struct QueryRunner {
    let ctx: EvalContext
    let file: SourceFile
    let compiler: ExprCompiler
    /// The day of an `as of` this runner answers for, named in messages.
    var asOfDay: Int32?
    /// For charts: a query grouped by one date bucket gets a row for every period between its
    /// first and last, the empty ones computed as the report computes a group of no deals.
    var keepEmptyPeriods = false
    /// For the funnel chart: `conversion` adds `reached_amount`, the amount of the deals that
    /// reached each stage.
    var withReachedAmount = false
    /// Set once amounts are in the reporting currency, so they are converted once.
    var inReportingCurrency = false

    init(context: EvalContext, file: SourceFile) {
        self.ctx = context
        self.file = file
        self.compiler = ExprCompiler(context: context, file: file)
    }

    /// Runs `checked`; a money figure outside the range is R720 at the query, an expression
    /// whose money result is outside it R721 at the expression (ArithmeticFaults).
    func run(_ checked: CheckedQuery) throws -> ResultTable {
        let table: ResultTable
        do { table = try runQuery(checked) } catch let overflow as MoneyOverflow {
            throw Diagnostic(.runtime, "R720", "\(overflow.what) is more money than 128 bits of cents hold (about ±1.7 × 10^36)",
                             file: file, range: checked.query.range,
                             help: "money adds up exactly to the cent; check the expression the query adds up")
        }
        try ctx.faults.check(file: file)
        return table
    }

    func runQuery(_ checked: CheckedQuery) throws -> ResultTable {
        if let a = checked.query.asOf { return try runAsOf(checked, a) }
        if let currency = ctx.state.catalog.reportingCurrency, !inReportingCurrency {
            let converted = try CurrencyConversion(currency: currency, file: file, range: checked.query.range).convert(ctx.state)
            var inner = QueryRunner(context: EvalContext(state: converted, today: ctx.today), file: file)
            inner.asOfDay = asOfDay
            inner.inReportingCurrency = true
            var table = try inner.run(checked)
            for i in table.columns.indices where table.columns[i].kind == .money { table.columns[i].unit = currency.code }
            return table
        }
        let plan = try QueryPlan(checked, runner: self)
        return try kernel(for: plan).run(plan)
    }

    /// The report that answers a plan, as the executor runs it and `.explain` describes it.
    struct Kernel {
        let describe: () -> String
        let run: (QueryPlan) throws -> ResultTable

        /// `scan` is worked out only when `.explain` asks for it.
        init(scan: @autoclosure @escaping () -> String, run: @escaping (QueryPlan) throws -> ResultTable) {
            describe = scan
            self.run = run
        }

        /// The deals (or records) it reads, and how `during` cuts them, in words.
        var scan: String { describe() }
    }

    /// The one switch from a query's kind to its kernel. It is exhaustive over the query
    /// kinds of `QuerySpec.all`, so a registered query without a kernel does not compile.
    func kernel(for plan: QueryPlan) throws -> Kernel {
        let q = plan.query
        let columns = plan.spec.columns
        func grouped<K: GroupedKernel>(_ k: K) -> Kernel { Kernel(scan: k.scan) { try execute(k, $0) } }
        let throughHistory = "every deal, through its stage history; during keeps the deals created in the window"
        switch plan.spec.kind {
        case .deals: return Kernel(scan: DealListReport.scan) { try DealListReport(runner: self).run($0) }
        case .countDeals, .sum, .avg, .min, .max: return grouped(try AggregateReport(self, verb: q.verb))
        case .pipeline: return grouped(PipelineReport(ctx))
        case .forecast:
            return Kernel(scan: ForecastReport(ctx).scan) { plan in
                if let step = ForecastSeries.step(of: q, catalog: ctx.state.catalog) { return try ForecastSeries(runner: self).run(plan, step: step) }
                return try SubmissionReports(runner: self).forecast(plan)
            }
        case .attainment:
            if case .name("manager")? = q.groups.first?.kind {
                return Kernel(scan: AttainmentRollupReport.scan) { try AttainmentRollupReport(runner: self).run($0, managersOnly: true) }
            }
            return Kernel(scan: AttainmentReport.scan) { try AttainmentReport(runner: self).run($0) }
        case .attainmentRollup:
            return Kernel(scan: AttainmentRollupReport.scan) { try AttainmentRollupReport(runner: self).run($0, managersOnly: false) }
        case .forecastRollup: return Kernel(scan: RollupReport.scan) { try RollupReport(runner: self).run($0) }
        case .forecastAccuracy: return Kernel(scan: AccuracyReport.scan) { try AccuracyReport(runner: self).run($0) }
        case .forecastHistory:
            return Kernel(scan: SubmissionReports.historyScan) { plan in
                guard case .forecastHistory(let holder) = q.verb else { return ResultTable(columns: columns) }
                return try SubmissionReports(runner: self).history(plan, holder: holder)
            }
        case .winRate: return grouped(WinRateReport(ctx))
        case .cycle: return grouped(CycleReport(ctx))
        case .velocity: return grouped(VelocityReport(ctx))
        case .conversion: return Kernel(scan: throughHistory) { try ConversionReport(runner: self).run($0) }
        case .timeInStage:
            return Kernel(scan: "every deal's stage history; during keeps the visits that ended in the window") {
                try TimeInStageReport(runner: self).run($0)
            }
        case .calibration: return Kernel(scan: throughHistory) { try CalibrationReport(runner: self).run($0) }
        case .bottlenecks: return Kernel(scan: throughHistory) { try BottlenecksReport(runner: self).run($0) }
        case .stale: return Kernel(scan: "open deals past their stage's stale after") { try StaleReport(runner: self).run($0) }
        case .history:
            return Kernel(scan: "the deal's stage and field changes") { plan in
                guard case .history(let deal) = q.verb else { return ResultTable(columns: columns) }
                return try DealHistoryReport(runner: self).run(plan, deal: deal)
            }
        case .changes:
            return Kernel(scan: "every deal, as it stood the day before the period and at its end") { plan in
                guard case .changes(let since) = q.verb else { return ResultTable(columns: columns) }
                return try ChangesReport(runner: self).run(plan, since: since)
            }
        case .dealChanges:
            return Kernel(scan: "every stage and field change, deletion, restore and undo dated in the period") { plan in
                guard case .dealChanges(let since) = q.verb else { return ResultTable(columns: columns) }
                return try DealChangesReport(runner: self).run(plan, since: since)
            }
        case .tasks: return Kernel(scan: "tasks; during keeps those due in the window") { try RecordQueries(runner: self).run($0.checked) }
        case .notifications:
            return Kernel(scan: "notifications; during keeps those made in the window") { try RecordQueries(runner: self).run($0.checked) }
        case .leads, .countLeads, .leadConversion:
            return Kernel(scan: "leads; during keeps those created in the window") { try RecordQueries(runner: self).run($0.checked) }
        }
    }

    /// A query funnel builds itself (`chart funnel`), run as if checked.
    func run(_ q: Query) throws -> ResultTable { try run(CheckedQuery(builtIn: q)) }

    /// What the plan of `checked` is, as `.explain` prints it.
    func explain(_ checked: CheckedQuery) throws -> String {
        var inner = checked
        var runner = self
        if let a = checked.query.asOf {
            let day = try asOfDate(a)
            runner = QueryRunner(context: EvalContext(state: try ctx.state.asOf(day), today: day), file: file)
            inner = checked.withoutAsOf()
        }
        let plan = try QueryPlan(inner, runner: runner)
        let scan = try runner.kernel(for: plan).scan
        let rows = checked.spec.readsDeals ? runner.ctx.state.deals.count
            : checked.spec.kind == .tasks ? runner.ctx.state.tasks.count
            : checked.spec.kind == .notifications ? runner.ctx.state.notifications.count : runner.ctx.state.leads.count
        return plan.explain(rows: rows, scan: scan, asOf: checked.query.asOf, file: file)
    }

    func window(_ q: Query) throws -> (Int32, Int32)? {
        try q.during.map { try WindowRange.resolve($0, today: ctx.today, file: file) }
    }

    func dimensions(_ exprs: [Expr]) throws -> [Grouping.Dimension] {
        if exprs.count > Grouping.maxKeys {
            // The resolver refuses more groups (E213); a query funnel builds itself never has them.
            throw Diagnostic(.name, "E213", "at most \(Grouping.maxKeys) groups in one by", file: file, range: exprs[Grouping.maxKeys].range)
        }
        return try exprs.map { try Grouping.dimension($0, ctx: ctx, compiler: compiler, file: file) }
    }
}
