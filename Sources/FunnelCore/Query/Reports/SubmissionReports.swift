/// The forecasts managers submit (`submit forecast for 华东 during 2026-Q2 commit ...`):
/// `forecast history for H` lists them, and `forecast by team|owner during P` shows the
/// latest one for each row's holder and exactly that period beside the computed figures.
struct SubmissionReports {
    let runner: QueryRunner
    var ctx: EvalContext { runner.ctx }

    static let historyScan = "the forecasts submitted for the holder, oldest first"

    /// Submitted on or before today (an `as of` day sees those made by then).
    var submissions: [SubmittedForecast] { ctx.state.people.submissions.filter { $0.day <= ctx.today } }

    func history(_ plan: QueryPlan, holder: Expr) throws -> ResultTable {
        guard case .string(let name) = holder.kind else { return ResultTable(columns: plan.spec.columns) }
        let people = ctx.state.people
        let known = people.isPerson(name) || people.teams.contains(name) || submissions.contains { $0.holder.name == name }
        guard known else {
            throw Diagnostic(.runtime, "R780", "unknown team or person '\(name)'", file: runner.file, range: holder.range,
                             help: Suggest.closest(to: name, in: people.order + people.teams).map { "did you mean '\($0)'?" })
        }
        var rows: [[Value]] = []
        for s in submissions where s.holder.name == name {
            if let (lo, hi) = plan.window, !(s.period.start < hi && lo < s.period.end) { continue }
            rows.append([.text(s.period.label), .date(s.day), .text(s.submitter), .number(s.commit), .number(s.bestCase),
                         s.reason.map { .text($0) } ?? .null])
        }
        var table = ResultTable(columns: plan.spec.columns, rows: rows)
        if let limit = plan.query.limit { table.rows = Array(table.rows.prefix(limit)) }
        return table
    }

    /// `forecast by team|owner during PERIOD`: the forecast with `submitted_commit` and
    /// `submitted_best_case` beside it — always when `show` names them (picking the columns
    /// after they are added), else when some holder submitted for exactly that period.
    func forecast(_ plan: QueryPlan) throws -> ResultTable {
        let names = QuerySpec.submittedColumns
        guard let shown = plan.query.columns,
              shown.contains(where: { if case .name(let n) = $0.kind { return names.contains(n) }; return false }) else {
            return annotate(try runner.execute(ForecastReport(ctx), plan), plan, always: false)
        }
        let whole = try QueryPlan(plan.checked.withoutShow(), runner: runner)
        let table = annotate(try runner.execute(ForecastReport(ctx), whole), whole, always: true)
        return GroupedTable<ForecastReport.Acc>.project(table, groups: 1, shown: shown)
    }

    /// Adds `submitted_commit` and `submitted_best_case` to a forecast by team or by owner over
    /// exactly one quota period (`always`, or when some holder submitted for it); the total
    /// adds up those shown.
    func annotate(_ table: ResultTable, _ plan: QueryPlan, always: Bool) -> ResultTable {
        guard let (lo, hi) = plan.window, plan.query.groups.count == 1, plan.query.columns == nil,
              case .name(let n) = plan.query.groups[0].kind, n == "team" || n == "owner" else { return table }
        let kind: QuotaHolder.Kind = n == "team" ? .team : .person
        var latest: [String: SubmittedForecast] = [:]
        for s in submissions where s.holder.kind == kind && s.period.start == lo && s.period.end == hi { latest[s.holder.name] = s }
        if latest.isEmpty && !always { return table }
        var out = table
        out.columns += QuerySpec.submittedColumns.map { ResultColumn($0, .money) }
        var commit = 0.0, best = 0.0, any = false
        out.rows = table.rows.map { (row: [Value]) -> [Value] in
            guard case .text(let holder)? = row.first, let s = latest[holder] else { return row + [.null, .null] }
            commit += s.commit
            best += s.bestCase
            any = true
            return row + [.number(s.commit), .number(s.bestCase)]
        }
        out.total = table.total.map { $0 + (any ? [.number(commit), .number(best)] : [.null, .null]) }
        return out
    }
}
