/// Checks of the people statements and of the managers' reports before anything runs.
/// Whether a team or a person exists, and whether quota periods overlap, depend on the
/// store's people and are checked when the statement runs (Statements/PeopleStatements.swift).
extension Resolver {
    /// The fields a `person { }` block may give.
    static let personFields = ["name", "team", "manager", "email"]

    func checkPeopleStatement(_ p: PeopleStatement) throws {
        switch p {
        case let .person(_, fields, on):
            for f in fields {
                guard Self.personFields.contains(f.field.text) else {
                    throw Diagnostic(.name, "E521", "a person has no field '\(f.field.text)'", file: file, range: f.field.range,
                                     help: Suggest.closest(to: f.field.text, in: Self.personFields).map { "did you mean '\($0)'?" }
                                        ?? "a person's fields are: " + Self.personFields.joined(separator: ", "))
                }
                switch f.value.kind {
                case .string, .empty: break
                default:
                    throw Diagnostic(.type, "E523", "a person's \(f.field.text) is text in quotes", file: file, range: f.value.range,
                                     help: "write \(f.field.text): \"\(file.text(f.value.range))\"")
                }
            }
            try checkDate(on)
        case let .quota(_, period, amount, on):
            try checkQuotaPeriod(period, what: "a quota")
            try checkAmount(amount, what: "a quota")
            try checkDate(on)
        case let .submit(_, period, commit, best, _, _, on):
            try checkQuotaPeriod(period, what: "a submitted forecast")
            try checkAmount(commit, what: "commit")
            try checkAmount(best, what: "best_case")
            try checkDate(on)
        case .deliveryCommand(let command, _):
            if case .string(let s) = command.kind, s.allSatisfy(\.isWhitespace) {
                throw Diagnostic(.syntax, "E520", "the delivery command is empty", file: file, range: command.range,
                                 help: "deliver notifications via command \"sendmail -t\"")
            }
        case .deliver:
            break
        }
    }

    /// A month, a quarter or a year (`2026-Q2`, `2026-04`, `2026`, `this quarter`).
    func checkQuotaPeriod(_ w: Window, what: String) throws {
        switch w.kind {
        case .literal(let e):
            switch e.kind {
            case .month, .quarter: return
            case .number:
                try checkPeriod(e)
                return
            default: break
            }
        case .relative(_, let unit) where unit != .weeks:
            return
        default: break
        }
        throw Diagnostic(.type, "E522", "\(what) is set for a month, a quarter or a year", file: file, range: w.range,
                         help: "write a period such as 2026-Q2, 2026-04 or 2026")
    }

    func checkAmount(_ e: Expr, what: String) throws {
        let t = try type(of: e, .loose)
        if case .number = e.kind { return }
        if case .amount = e.kind { return }
        guard t.isNumeric, ResultColumns.names(in: e).isEmpty else {
            throw Diagnostic(.type, "E526", "\(what) needs an amount, like 1.2M", file: file, range: e.range)
        }
    }

    /// The submitted forecast's columns a `show` may name in `forecast by team|owner during
    /// PERIOD` (SubmissionReports.annotate), checked where they are named elsewhere.
    func submittedColumns(_ q: Query) throws -> [String] {
        guard q.verb == .forecast else { return [] }
        let names = QuerySpec.submittedColumns
        guard let c = (q.columns ?? []).first(where: { if case .name(let n) = $0.kind { return names.contains(n) }; return false }) else {
            return []
        }
        let column = file.text(c.range)
        guard q.groups.count == 1, case .name(let by) = q.groups[0].kind, by == "team" || by == "owner" else {
            throw Diagnostic(.name, "E530", "\(column) is the forecast a team or a person submitted: it needs by team or by owner",
                             file: file, range: q.groups.first?.range ?? c.range,
                             help: "write: forecast by team during 2026-Q2 show forecast, \(column)")
        }
        guard let w = q.during else {
            throw Diagnostic(.name, "E530", "\(column) is submitted for a period: it needs during PERIOD", file: file, range: c.range,
                             help: "write: forecast by \(by) during 2026-Q2 show forecast, \(column)")
        }
        try checkQuotaPeriod(w, what: "a submitted forecast")
        return names
    }

    /// What the general query checks should see of a managers' report: `forecast by week`
    /// groups by the week's end (ManagerReports.swift), not a field; attainment and accuracy
    /// group only by team, owner or manager.
    func managerQueryPrecheck(_ q: Query, groupFilter: Expr?) throws -> Query {
        var q = q
        switch q.verb {
        case .forecastRollup, .forecastAccuracy, .forecastHistory, .attainmentRollup:
            // Their rows follow the hierarchy, the snapshots or the submissions in time.
            if let o = q.order.first {
                throw Diagnostic(.name, "E524", "\(q.verb.name) lists its rows in its own order and takes no order by", file: file,
                                 range: o.expr.range)
            }
            if let g = groupFilter {
                throw Diagnostic(.name, "E524", "\(q.verb.name) filters deals, not its result rows", file: file, range: g.range,
                                 help: "a where here names deal fields: \(q.verb.name) where product = \"X\"")
            }
            // A cut hierarchy would not add up to its total.
            if q.limit != nil, q.verb == .forecastRollup || q.verb == .attainmentRollup {
                throw Diagnostic(.name, "E524", "\(q.verb.name) lists the whole hierarchy and takes no limit", file: file, range: q.range,
                                 help: "to look at fewer people, filter their deals: \(q.verb.name) where team = \"华东\"")
            }
        default: break
        }
        switch q.verb {
        case .forecast:
            if q.groups.count == 1, case .name(let n) = q.groups[0].kind, n == "week" || n == "month",
               catalog.fields[n] == nil {
                guard q.during != nil else {
                    throw Diagnostic(.name, "E524", "forecast by \(n) shows how the forecast for a period evolved; it needs during",
                                     file: file, range: q.groups[0].range, help: "write: forecast during 2026-Q2 by \(n)")
                }
                if q.asOf != nil {
                    throw Diagnostic(.name, "E524", "forecast by \(n) is already a series of as of days and takes no as of",
                                     file: file, range: q.asOf?.range ?? q.range)
                }
                q.groups = []
            }
        case .attainment, .forecastAccuracy:
            if q.groups.count > 1 {
                throw Diagnostic(.name, "E524", "\(q.verb.name) takes one group: team, owner or manager", file: file,
                                 range: q.groups[1].range)
            }
            if let g = q.groups.first {
                guard case .name(let n) = g.kind, QuerySpec.managerGroups.contains(n) else {
                    throw Diagnostic(.name, "E524", "\(q.verb.name) groups by team, owner or manager", file: file, range: g.range,
                                     help: "a quota belongs to a team or a person (a deal's owner, or a manager with the people under them)")
                }
                // By manager follows the hierarchy, as the rollup does.
                if q.verb == .attainment, n == "manager" {
                    if let o = q.order.first {
                        throw Diagnostic(.name, "E524", "attainment by manager lists its rows along the hierarchy and takes no order by",
                                         file: file, range: o.expr.range)
                    }
                    if let w = groupFilter {
                        throw Diagnostic(.name, "E524", "attainment by manager filters deals, not its result rows", file: file,
                                         range: w.range, help: "a where here names deal fields: attainment by manager where product = \"X\"")
                    }
                    if q.limit != nil {
                        throw Diagnostic(.name, "E524", "attainment by manager lists every manager and takes no limit", file: file,
                                         range: q.range)
                    }
                }
            }
            if q.verb == .forecastAccuracy, let w = q.during { try checkQuotaPeriod(w, what: "forecast accuracy") }
        case .forecastHistory:
            if let w = q.during { try checkQuotaPeriod(w, what: "a submitted forecast") }
        default:
            break
        }
        return q
    }
}
