/// `import people` and `import quotas`: every row is checked as the statement it stands for
/// would be (`person`, `quota`), against the store and the rows before it; a row that fails
/// is reported with its line, and nothing from the file is kept unless `skip errors`.
extension Interpreter {
    func importPeopleFile(_ kind: ImportKind, file fileExpr: Expr, mapping: [MappingItem], options: ImportOptions,
                          script: SourceFile) throws -> StatementOutput {
        let reader = PeopleFileReader(context: ImportContext(state: state, today: today, script: script, options: options, source: importSource))
        let isPeople = kind == .people
        let outcome = try reader.read(kind, file: fileExpr, mapping: mapping,
                                      required: isPeople ? ["id"] : ["holder", "period", "amount"])
        var failed = outcome.errors
        var trial = state.people
        var events: [(PeopleEvent, Int32)] = []
        for row in outcome.rows {
            do throws(RowProblem) {
                let e = try isPeople ? personRow(row, trial: trial) : quotaRow(row, trial: trial)
                trial.apply(e.0, on: e.1)
                events.append(e)
            } catch {
                failed.append((row.line, [error]))
            }
        }
        var errors = ImportErrors(fileName: outcome.fileName)
        for f in failed.sorted(by: { $0.line < $1.line }) { errors.add(line: f.line, f.problems) }
        let noun = isPeople ? "person change" : "quota"
        try check(errors, kind: isPeople ? "people" : "quotas", options: options, script: script, range: fileExpr.range)
        for (e, day) in events { try record(.people(e), on: day) }
        let summary = "imported \(Self.plural(events.count, noun)) from \(outcome.fileName)" + Self.filtered(outcome.skippedByFilter)
        return output(summary, errors, options: options, script: script, range: fileExpr.range)
    }

    /// A row of `import people`: the fields it gives change from `since` (default today). An
    /// empty cell changes nothing, so a file of changes need not repeat what stays.
    func personRow(_ row: PeopleFileReader.Row, trial: PeopleBook) throws(RowProblem) -> (PeopleEvent, Int32) {
        let id = row.text["id"] ?? ""
        let day = row.since ?? today
        if day > today {
            throw RowProblem(row.labels["since"] ?? "since", "\(Calendar.format(day)) is after today (\(Calendar.format(today)))")
        }
        var fields: [DomainEvent.FieldValue] = []
        for name in Resolver.personFields { if let v = row.text[name] { fields.append(.init(name, .text(v))) } }
        let event = PeopleEvent.person(id: id, fields: fields)
        var after = trial
        after.apply(event, on: day)
        if let cycle = after.firstCycle(through: id, from: trial.isPerson(id) ? day : Int32.min) {
            throw RowProblem(row.labels["manager"] ?? "manager", PeopleBook.describeCycle(cycle, recordedOn: day))
        }
        return (event, day)
    }

    /// A row of `import quotas`: holder (a team or a person; `kind` says which when both),
    /// period (2026-Q2, 2026-04 or 2026) and amount.
    func quotaRow(_ row: PeopleFileReader.Row, trial: PeopleBook) throws(RowProblem) -> (PeopleEvent, Int32) {
        let label = { (t: String) in row.labels[t] ?? t }
        let name = row.text["holder"] ?? ""
        let kind = row.text["kind"]?.lowercased()
        if let k = kind, k != "team", k != "person" { throw RowProblem(label("kind"), "the kind is team or person, not \"\(k)\"") }
        let isPerson = trial.isPerson(name), isTeam = knownTeams().contains(name) || trial.teams.contains(name)
        let holder: QuotaHolder
        switch (kind, isPerson, isTeam) {
        case ("team"?, _, true), (nil, false, true): holder = QuotaHolder(.team, name)
        case ("person"?, true, _), (nil, true, false): holder = QuotaHolder(.person, name)
        case (nil, true, true): throw RowProblem(label("holder"), "\"\(name)\" is both a person and a team; add a kind column")
        default: throw RowProblem(label("holder"), "unknown \(kind ?? "team or person") \"\(name)\"")
        }
        guard let period = Self.period(row.text["period"] ?? "") else {
            throw RowProblem(label("period"), "\"\(row.text["period"] ?? "")\" is not a month, a quarter or a year (2026-04, 2026-Q2, 2026)")
        }
        guard let amount = row.amount, amount >= 0, amount < 1e15 else {
            throw RowProblem(label("amount"), "the amount must be from 0 up to 999 trillion")
        }
        for other in trial.quotas(for: holder) where other.period != period && other.period.overlaps(period) {
            throw RowProblem(label("period"), "\(period.label) overlaps the quota of \(holder.description) for \(other.period.label)")
        }
        return (.quota(QuotaRecord(holder: holder, period: period, amount: (amount * 100).rounded() / 100)), today)
    }

    /// `2026-Q2`, `2026-04` or `2026` as a quota period.
    static func period(_ text: String) -> QuotaPeriod? {
        let u = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= u.count else { return nil }
            var v = 0
            for k in r { guard u[k] >= 48, u[k] <= 57 else { return nil }; v = v * 10 + Int(u[k] - 48) }
            return v
        }
        guard let year = digits(0..<4), year >= 1, year <= 9999 else { return nil }
        let lo: Int32, months: Int
        if u.count == 4 {
            lo = Calendar.day(year: year, month: 1, day: 1); months = 12
        } else if u.count == 7, u[4] == UInt8(ascii: "-"), let m = digits(5..<7), (1...12).contains(m) {
            lo = Calendar.day(year: year, month: m, day: 1); months = 1
        } else if u.count == 7, u[4] == UInt8(ascii: "-"), u[5] == UInt8(ascii: "Q") || u[5] == UInt8(ascii: "q"),
                  let q = digits(6..<7), (1...4).contains(q) {
            lo = Calendar.day(year: year, month: (q - 1) * 3 + 1, day: 1); months = 3
        } else {
            return nil
        }
        let hi = Calendar.addMonths(lo, months)
        guard Calendar.isStorable(hi - 1) else { return nil }
        return QuotaPeriod(start: lo, end: hi, label: periodLabel(lo, hi))
    }
}
