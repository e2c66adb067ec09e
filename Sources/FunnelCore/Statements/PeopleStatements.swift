/// `person`, `quota`, `submit forecast` and the delivery command: checked against the
/// store's people, then recorded as people events (Model/People.swift).
extension Interpreter {
    func runPeopleStatement(_ p: PeopleStatement, file: SourceFile) throws -> StatementOutput {
        switch p {
        case let .person(id, fields, on):
            try recordPerson(id: id, fields: fields, on: on, file: file)
        case let .quota(holder, period, amount, on):
            let h = try quotaHolder(holder, file: file)
            let q = QuotaRecord(holder: h, period: try quotaPeriod(period, file: file),
                                amount: try amountValue(amount, what: "a quota", file: file))
            for other in state.people.quotas(for: h) where other.period != q.period && other.period.overlaps(q.period) {
                throw Diagnostic(.runtime, "R781", "the quota of \(h.description) for \(q.period.label) overlaps its quota for \(other.period.label)",
                                 file: file, range: period.range,
                                 help: "a holder has one quota for any day: set quotas for periods that do not overlap, or restate the quota for \(other.period.label)")
            }
            try record(.people(.quota(q)), on: try effectiveDate(on, file: file))
        case let .submit(holder, period, commit, best, reason, by, on):
            let h = try quotaHolder(holder, file: file)
            let day = try effectiveDate(on, file: file)
            let s = SubmittedForecast(holder: h, period: try quotaPeriod(period, file: file),
                                      commit: try amountValue(commit, what: "commit", file: file),
                                      bestCase: try amountValue(best, what: "best_case", file: file),
                                      reason: reason, submitter: by?.text ?? user ?? "unknown", day: day)
            try record(.people(.submitted(s)), on: day)
        case let .deliveryCommand(command, timeout):
            guard case .string(let text) = command.kind else { return .none }
            try record(.people(.deliveryCommand(DeliveryCommand(command: text, timeoutSeconds: timeout ?? DeliveryCommand.defaultTimeout))),
                       on: today)
        case .deliver:
            return try deliverNotifications(file: file, range: executing?.range)
        }
        return .none
    }

    /// W030 (`check`): once people are declared, deal owners who are none of them get no team
    /// or manager from the directory, which is most often a typo or a missing person.
    func ownersWhoAreNoPerson() -> Diagnostic? {
        guard !state.people.isEmpty else { return nil }
        var codes = Set<Int32>()
        for c in state.deals.owner where c != Empty.text { codes.insert(c) }
        let names = codes.map { state.pool[$0] }.filter { !state.people.isPerson($0) }.sorted()
        guard !names.isEmpty else { return nil }
        let shown = names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", … and \(names.count - 20) more" : "")
        return Diagnostic(.runtime, "W030", "\(names.count) deal owner\(names.count == 1 ? " is" : "s are") not a declared person: \(shown)",
                          help: "their deals count for no team or manager but their own team field; declare them: person \"\(names[0])\" { team: \"...\" }",
                          severity: .warning)
    }

    func recordPerson(id idExpr: Expr, fields: [Assignment], on: Expr?, file: SourceFile) throws {
        let id = recordID(idExpr)
        guard !id.isEmpty else {
            throw Diagnostic(.runtime, "R789", "a person's id cannot be empty", file: file, range: idExpr.range)
        }
        let values = fields.map { a -> DomainEvent.FieldValue in
            if case .string(let s) = a.value.kind, !s.isEmpty { return .init(a.field.text, .text(s)) }
            return .init(a.field.text, .null)
        }
        let day = try effectiveDate(on, file: file)
        let event = PeopleEvent.person(id: id, fields: values)
        // A cycle is looked for on the change's day (a first record's: from the start) and on
        // every later day anyone changes.
        var trial = state.people
        trial.apply(event, on: day)
        if let cycle = trial.firstCycle(through: id, from: state.people.isPerson(id) ? day : Int32.min) {
            let place = fields.first { $0.field.text == "manager" }?.value.range ?? idExpr.range
            throw Diagnostic(.runtime, "R782", PeopleBook.describeCycle(cycle, recordedOn: day),
                             file: file, range: place, help: "a person cannot manage, directly or through others, someone who manages them")
        }
        try record(.people(event), on: day)
    }

    /// The team or person a quota or a submission names. A team is one some person is (or
    /// was) in, or one a deal's own `team` names.
    func quotaHolder(_ h: HolderRef, file: SourceFile) throws -> QuotaHolder {
        let name = h.name.text
        let people = state.people
        let isPerson = people.isPerson(name)
        let teams = knownTeams()
        let isTeam = teams.contains(name)
        switch (h.kind, isPerson, isTeam) {
        case ("team"?, _, true), (nil, false, true): return QuotaHolder(.team, name)
        case ("person"?, true, _), (nil, true, false): return QuotaHolder(.person, name)
        case (nil, true, true):
            throw Diagnostic(.runtime, "R783", "'\(name)' is both a person and a team", file: file, range: h.name.range,
                             help: "say which: team \(name) or person \"\(name)\"")
        default:
            let what = h.kind ?? "team or person"
            let candidates = h.kind == "team" ? teams : h.kind == "person" ? people.order : people.order + teams
            throw Diagnostic(.runtime, "R780", "unknown \(what) '\(name)'", file: file, range: h.name.range,
                             help: Suggest.closest(to: name, in: candidates).map { "did you mean '\($0)'?" }
                                ?? "declare the people first: person \"id\" { team: \"\(name)\" }")
        }
    }

    /// Teams people are in, then teams only deals name.
    func knownTeams() -> [String] {
        var out = state.people.teams
        var seen = Set(out)
        var codes = Set<Int32>()
        for c in state.deals.team where c != Empty.text { codes.insert(c) }
        for c in codes.sorted() where seen.insert(state.pool[c]).inserted { out.append(state.pool[c]) }
        return out
    }

    func quotaPeriod(_ w: Window, file: SourceFile) throws -> QuotaPeriod {
        let (lo, hi) = try WindowRange.resolve(w, today: today, file: file)
        return QuotaPeriod(start: lo, end: hi, label: Self.periodLabel(lo, hi))
    }

    /// `2026-04`, `2026-Q2` or `2026`, from the period's first day and the day after it.
    static func periodLabel(_ lo: Int32, _ hi: Int32) -> String {
        let c = Calendar.civil(lo)
        if Calendar.addMonths(lo, 1) == hi { return Calendar.format(lo).prefix(7).description }
        if Calendar.addMonths(lo, 3) == hi { return "\(c.year)-Q\((c.month - 1) / 3 + 1)" }
        if Calendar.addMonths(lo, 12) == hi { return "\(c.year)" }
        return "\(Calendar.format(lo)) to \(Calendar.format(hi))"
    }

    func amountValue(_ e: Expr, what: String, file: SourceFile) throws -> Double {
        let v = try ExprCompiler(context: EvalContext(state: state, today: today), file: file).compile(e)(0)
        guard let n = v.number, n.isFinite, n >= 0, n < 1e15 else {
            throw Diagnostic(.runtime, "R790", "\(what) must be an amount from 0 up to 999 trillion", file: file, range: e.range)
        }
        return (n * 100).rounded() / 100
    }
}
