/// The clauses that mean nothing for a report are refused before anything runs, rather
/// than silently ignored: `show` picks deal columns, and the reports' columns are fixed;
/// `stale` is about today (another day is `as of`); a deal's history has no groups.
extension Resolver {
    func checkReportClauses(_ q: Query, dealFilter: Expr?) throws {
        if let a = q.asOf, let name = ResultColumns.names(in: a).sorted().first {
            throw Diagnostic(.type, "E316", "as of needs a date, like 2026-03-31, not the field '\(name)'", file: file, range: a.range)
        }
        let verb = q.verb
        let spec = verb.spec
        try checkMisspeltResultColumn(q, dealFilter: dealFilter)
        if spec.fixedColumns, let c = q.columns?.first {
            throw Diagnostic(.syntax, "E340", "\(verb.name) has fixed columns; show picks columns of deals", file: file, range: c.range,
                             help: "its columns are: " + ((ResultColumns.stageRowColumn(verb).map { [$0] } ?? []) + ResultColumns.of(verb)).map(\.name).joined(separator: ", "))
        }
        let given: [(QueryClause, SourceRange?)] = [(.during, q.during?.range), (.by, q.groups.first?.range),
                                                    (.order, q.order.first?.expr.range)]
        for (clause, range) in given {
            if let range, let refusal = spec.refusal(clause) {
                throw Diagnostic(.syntax, "E340", refusal.message, file: file, range: range, help: refusal.help)
            }
        }
    }

    /// `win rate where wn >= 10` is a typo of a result column, not an undeclared field: the
    /// name is not a column, so the where took it for a deal condition.
    func checkMisspeltResultColumn(_ q: Query, dealFilter: Expr?) throws {
        if case .stale = q.verb { return }
        let results = ResultColumns.of(q.verb).map(\.name)
        guard !results.isEmpty, let dealPart = dealFilter else { return }
        let fields = BuiltinFields.names + catalog.fieldOrder
        for (name, range) in Self.bareNames(dealPart) {
            if fields.contains(name) || catalog.allStageNames.contains(name) || Suggest.closest(to: name, in: fields) != nil { continue }
            let columns = results + q.groups.map { file.text($0.range) }
            if let near = Suggest.closest(to: name, in: columns) {
                throw Diagnostic(.name, "E206", "unknown result column '\(name)'", file: file, range: range,
                                 help: "did you mean '\(near)'?")
            }
        }
    }

    static func bareNames(_ e: Expr) -> [(String, SourceRange)] {
        switch e.kind {
        case .name(let n): return [(n, e.range)]
        case .not(let x), .negate(let x), .isEmpty(let x, _), .member(let x, _): return bareNames(x)
        case .binary(_, let a, let b): return bareNames(a) + bareNames(b)
        case .inList(let x, let xs, _): return bareNames(x) + xs.flatMap(bareNames)
        case .list(let xs), .call(_, let xs): return xs.flatMap(bareNames)
        default: return []
        }
    }
}
