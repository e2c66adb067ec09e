/// Runs a checked query: plans it (QueryPlan), then hands the plan to the report's kernel —
/// the seven reports over grouped deals through the one row loop (QueryRunner+Execute.swift),
/// the reports with one row per stage, stale, a deal's history and the record queries
/// through their own loops. This switch is exhaustive over the query kinds of
/// `QuerySpec.all`, so a registered query without a kernel does not compile.
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
        let q = checked.query
        switch checked.spec.kind {
        case .deals: return try DealListReport(runner: self).run(plan)
        case .countDeals, .sum, .avg, .min, .max: return try execute(AggregateReport(self, verb: q.verb), plan)
        case .pipeline: return try execute(PipelineReport(ctx), plan)
        case .forecast:
            if let step = ForecastSeries.step(of: q, catalog: ctx.state.catalog) { return try ForecastSeries(runner: self).run(plan, step: step) }
            return try SubmissionReports(runner: self).forecast(plan)
        case .attainment:
            if case .name("manager")? = q.groups.first?.kind { return try AttainmentRollupReport(runner: self).run(plan, managersOnly: true) }
            return try AttainmentReport(runner: self).run(plan)
        case .attainmentRollup: return try AttainmentRollupReport(runner: self).run(plan, managersOnly: false)
        case .forecastRollup: return try RollupReport(runner: self).run(plan)
        case .forecastAccuracy: return try AccuracyReport(runner: self).run(plan)
        case .forecastHistory:
            guard case .forecastHistory(let holder) = q.verb else { return ResultTable(columns: checked.spec.columns) }
            return try SubmissionReports(runner: self).history(plan, holder: holder)
        case .winRate: return try execute(WinRateReport(ctx), plan)
        case .cycle: return try execute(CycleReport(ctx), plan)
        case .velocity: return try execute(VelocityReport(ctx), plan)
        case .conversion: return try ConversionReport(runner: self).run(plan)
        case .timeInStage: return try TimeInStageReport(runner: self).run(plan)
        case .calibration: return try CalibrationReport(runner: self).run(plan)
        case .bottlenecks: return try BottlenecksReport(runner: self).run(plan)
        case .stale: return try StaleReport(runner: self).run(plan)
        case .history:
            guard case .history(let deal) = q.verb else { return ResultTable(columns: checked.spec.columns) }
            return try DealHistoryReport(runner: self).run(plan, deal: deal)
        case .changes:
            guard case .changes(let since) = q.verb else { return ResultTable(columns: checked.spec.columns) }
            return try ChangesReport(runner: self).run(plan, since: since)
        case .dealChanges:
            guard case .dealChanges(let since) = q.verb else { return ResultTable(columns: checked.spec.columns) }
            return try DealChangesReport(runner: self).run(plan, since: since)
        case .tasks, .notifications, .leads, .countLeads, .leadConversion: return try RecordQueries(runner: self).run(q)
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
        let q = inner.query
        let scan: String
        switch checked.spec.kind {
        case .countDeals, .sum, .avg, .min, .max: scan = try AggregateReport(runner, verb: q.verb).scan
        case .pipeline: scan = PipelineReport(runner.ctx).scan
        case .forecast: scan = ForecastReport(runner.ctx).scan
        case .winRate: scan = WinRateReport(runner.ctx).scan
        case .cycle: scan = CycleReport(runner.ctx).scan
        case .velocity: scan = VelocityReport(runner.ctx).scan
        case .deals: scan = DealListReport.scan
        case .conversion, .calibration, .bottlenecks: scan = "every deal, through its stage history; during keeps the deals created in the window"
        case .timeInStage: scan = "every deal's stage history; during keeps the visits that ended in the window"
        case .stale: scan = "open deals past their stage's stale after"
        case .history: scan = "the deal's stage and field changes"
        case .changes: scan = "every deal, as it stood the day before the period and at its end"
        case .dealChanges: scan = "every stage and field change, deletion, restore and undo dated in the period"
        case .tasks: scan = "tasks; during keeps those due in the window"
        case .notifications: scan = "notifications; during keeps those made in the window"
        case .leads, .countLeads, .leadConversion: scan = "leads; during keeps those created in the window"
        case .attainment:
            if case .name("manager")? = checked.query.groups.first?.kind { scan = AttainmentRollupReport.scan } else { scan = AttainmentReport.scan }
        case .attainmentRollup: scan = AttainmentRollupReport.scan
        case .forecastRollup: scan = RollupReport.scan
        case .forecastAccuracy: scan = AccuracyReport.scan
        case .forecastHistory: scan = SubmissionReports.historyScan
        }
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
