/// A move's gates are read on the deal as it stood on the move's effective date: its field
/// values and task states of that day, with `today` that day. A backdated move whose gate
/// holds only thanks to a fact recorded with a later date is refused, naming the fact.
extension Interpreter {
    func checkGates(row r: Int, to target: StageDef, funnel: FunnelDef, on day: Int32, onExpr: Expr?, file: SourceFile) throws {
        // Only an open stage's `exit when` makes a gate (Gates.evaluate): a funnel without one
        // lets every move through, and reading the deal for it would cost a copy of the state.
        if funnel.openStages.allSatisfy({ $0.exitWhen == nil }) { return }
        let dealID = state.deals.ids[r]
        let then = state.laterChanges(ofRow: r, after: day).isEmpty && !hasTaskDoneAfter(r, day) ? state : state.deal(row: r, asOf: day)
        let unmet = try Gates(state: then, today: day).unmet(row: r, to: target, funnel: funnel)
        if unmet.isEmpty { return }
        let count = unmet.reduce(0) { $0 + $1.criteria.count }
        let criteria = "\(count) exit criteri\(count == 1 ? "on is" : "a are") not met"
        let override = "move deal \"\(dealID)\" to \(target.name) on \(Calendar.format(day)) force because \"...\""
        let later = laterFacts(row: r, unmet: unmet, funnel: funnel, day: day)
        // The gate fails on the deal as it is now as well: no later fact would carry it.
        let holdsNow = !later.isEmpty
            ? try Gates(state: state, today: day).unmet(row: r, to: target, funnel: funnel).isEmpty : false
        guard holdsNow, let first = later.first else {
            throw Diagnostic(.runtime, "R201", "deal \"\(dealID)\" cannot move to \(target.name): \(criteria)",
                             file: file, range: executingTarget ?? SourceRange(0, 0),
                             notes: unmet.flatMap { g in g.criteria.map { "\(g.stage): \($0.text) — \($0.explanation)" } }
                                + later.map(\.note),
                             help: "set the fields first, or override with: move deal \"\(dealID)\" to \(target.name) force because \"...\"")
        }
        let on = day == today ? "today (\(Calendar.format(day)))" : Calendar.format(day)
        throw Diagnostic(.runtime, "R600",
                         "deal \"\(dealID)\" cannot move to \(target.name) on \(on): \(criteria) on that day",
                         file: file, range: onExpr?.range ?? executingTarget ?? SourceRange(0, 0),
                         notes: unmet.flatMap { g in g.criteria.map { "\(g.stage): \($0.text) — on \(Calendar.format(day)) \($0.explanation)" } }
                            + later.map(\.note),
                         help: "\(first.fix), or override with: \(override)")
    }

    /// Where the refusal of a move points when it has no `on`: the target stage.
    var executingTarget: SourceRange? { gateTarget }

    func hasTaskDoneAfter(_ r: Int, _ day: Int32) -> Bool {
        (state.tasks.byDeal[Int32(r)] ?? []).contains { state.tasks.status[Int($0)] == .done && state.tasks.completed[Int($0)] > day }
    }

    struct LaterFact {
        var note: String
        var fix: String
    }

    /// The facts dated after `day` that an unmet criterion reads: each field it names that
    /// was changed later (the latest such change), and, for `tasks done`, tasks done later.
    func laterFacts(row r: Int, unmet: [Gates.StageGate], funnel: FunnelDef, day: Int32) -> [LaterFact] {
        let h = state.fieldHistory
        let dealID = state.deals.ids[r]
        let changes = state.laterChanges(ofRow: r, after: day)
        var out: [LaterFact] = []
        var seen = Set<String>()
        let gates = funnel.openStages.compactMap { s in s.exitWhen.map { (s.name, $0) } }
        for g in unmet {
            guard let gate = gates.first(where: { $0.0 == g.stage })?.1 else { continue }
            let parts = ResultColumns.conjuncts(gate)
            for c in g.criteria {
                let source = funnel.source ?? SourceFile(name: "", text: "")
                guard let part = parts.first(where: { source.text($0.range) == c.text }) else { continue }
                for name in ResultColumns.names(in: part).sorted() where seen.insert(name).inserted {
                    guard let code = state.pool.code(of: name), let k = changes.first(where: { h.field[$0] == code }) else { continue }
                    let verb = h.new[k].isNull ? "emptied" : "set to \(Gates.show(h.new[k]))"
                    let set = h.new[k].isNull ? "\(name) = \"\"" : "\(name) = \(Gates.show(h.new[k]))"
                    out.append(LaterFact(note: "\(name) was \(verb) on \(Calendar.format(h.day[k])), after the move's date \(Calendar.format(day))",
                                         fix: "record the fact on the day it became true, on or before \(Calendar.format(day)) (set deal \"\(dealID)\" \(set) on \(Calendar.format(day)))"))
                }
                if containsTasksDone(part), seen.insert("tasks done").inserted {
                    for t in state.currentStageTasks(ofRow: r) where state.tasks.status[t] == .done && state.tasks.completed[t] > day {
                        out.append(LaterFact(note: "task \(state.tasks.id[t]) \"\(state.pool[state.tasks.title[t]])\" was done on \(Calendar.format(state.tasks.completed[t])), after the move's date \(Calendar.format(day))",
                                             fix: "date the move on or after \(Calendar.format(state.tasks.completed[t]))"))
                    }
                }
            }
        }
        return out
    }

    func containsTasksDone(_ e: Expr) -> Bool { Gates(state: state, today: today).containsTasksDone(e) }
}
