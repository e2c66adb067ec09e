/// `as of DATE` on any query (METRICS.md, "Time"): the query runs on the state rebuilt from
/// the events effective on or before that day, with `today` = that day — so days in stage,
/// stale, age and relative `during` windows are all as they were then.
extension QueryRunner {
    func runAsOf(_ checked: CheckedQuery, _ dateExpr: Expr) throws -> ResultTable {
        let q = checked.query
        let day = try asOfDate(dateExpr)
        let past = try ctx.state.asOf(day)
        if case .history(let idExpr) = q.verb, case .string(let id) = idExpr.kind, past.row(of: id) == nil,
           let r = ctx.state.row(of: id) {
            throw Diagnostic(.runtime, "R101", "deal \"\(id)\" did not exist yet on \(Calendar.format(day))", file: file,
                             range: idExpr.range, help: "it was created on \(Calendar.format(ctx.state.deals.created[r]))")
        }
        var inner = QueryRunner(context: EvalContext(state: past, today: day), file: file)
        inner.asOfDay = day
        inner.keepEmptyPeriods = keepEmptyPeriods
        inner.withReachedAmount = withReachedAmount
        return try inner.run(checked.withoutAsOf())
    }

    /// The day an `as of` names: a date, `today`, or date arithmetic on them
    /// (`today - 30`); the resolver has refused deal fields.
    func asOfDate(_ e: Expr) throws -> Int32 {
        guard ResultColumns.names(in: e).isEmpty, let day = try compiler.compile(e)(0).date else {
            throw Diagnostic(.type, "E316", "as of needs a date, like 2026-03-31", file: file, range: e.range)
        }
        return day
    }
}

extension DomainEvent {
    /// The existing deal an event changes; nil for declarations and for creating a deal.
    var changedDealID: String? {
        switch self {
        case .fieldsSet(let id, _), .moved(let id, _, _), .won(let id), .lost(let id, _), .reopened(let id, _),
             .closedAs(let id, _, _): return id
        // Tasks and notifications are recorded with the stage change that made them, so they
        // wait for their deal the same way.
        case .taskCreated(let t): return t.deal
        case .notified(let n): return n.deal
        case .declare, .dealCreated, .snapshot, .taskDone, .acked, .leadCreated, .leadUpdated, .leadQualified, .leadDisqualified,
             .leadConverted, .imported, .dealDeleted, .dealRestored, .undone, .stageRenamed, .tasksClosed, .people:
            return nil
        }
    }
}
