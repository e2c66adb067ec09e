/// Exit criteria: the gates a deal passes on the way forward. A move forward from stage i
/// to stage j needs the `exit when` of every stage from i up to j-1 (skipping a stage
/// needs its gate too); moving back needs none. Each top-level `and` part of a gate is one
/// criterion, so a refusal can name exactly what is missing.
struct Gates {
    let state: FunnelState
    let today: Int32

    struct Criterion {
        var text: String
        var holds: Bool
        var explanation: String
    }

    struct StageGate {
        var stage: String
        var criteria: [Criterion]
    }

    /// The stages whose gates lie between the deal's current stage and `target`.
    func stagesOnTheWay(row r: Int, to target: StageDef, funnel: FunnelDef) -> [StageDef] {
        guard let current = funnel.stage(named: state.stageName(ofRow: r)), let from = current.position,
              let to = target.position, to > from else { return [] }
        return funnel.openStages.filter { ($0.position ?? 0) >= from && ($0.position ?? 0) < to }
    }

    func evaluate(_ stage: StageDef, row r: Int, funnel: FunnelDef) throws -> [Criterion] {
        guard let gate = stage.exitWhen else { return [] }
        let file = funnel.source ?? SourceFile(name: "<funnel \(funnel.name)>", text: "")
        let ctx = EvalContext(state: state, today: today)
        let compiler = ExprCompiler(context: ctx, file: file)
        return try ResultColumns.conjuncts(gate).map { part in
            let holds = try compiler.predicate(part)(r)
            let names = ResultColumns.names(in: part).sorted()
            var parts = names.map { name -> String in
                let v = compiler.field(name)(r)
                if ExprCompiler.isEmptyValue(v) { return "\(name) is empty" }
                return "\(name) = \(Self.show(v))"
            }
            if containsTasksDone(part) { parts.append(state.tasksDoneExplanation(row: r)) }
            let explanation = parts.joined(separator: ", ")
            return Criterion(text: file.text(part.range), holds: holds, explanation: explanation.isEmpty ? (holds ? "holds" : "does not hold") : explanation)
        }
    }

    func containsTasksDone(_ e: Expr) -> Bool {
        switch e.kind {
        case .tasksDone: return true
        case .not(let x), .negate(let x), .isEmpty(let x, _), .member(let x, _): return containsTasksDone(x)
        case .binary(_, let a, let b): return containsTasksDone(a) || containsTasksDone(b)
        default: return false
        }
    }

    static func show(_ v: Value) -> String {
        switch v {
        case .text(let s): return "\"\(s)\""
        case .date(let d): return Calendar.format(d)
        default: return ValueFormatter.machine(v)
        }
    }

    /// Gates on the way with only their unmet criteria; empty when the move may go ahead.
    func unmet(row r: Int, to target: StageDef, funnel: FunnelDef) throws -> [StageGate] {
        try stagesOnTheWay(row: r, to: target, funnel: funnel).compactMap { stage in
            let failing = try evaluate(stage, row: r, funnel: funnel).filter { !$0.holds }
            return failing.isEmpty ? nil : StageGate(stage: stage.name, criteria: failing)
        }
    }

    /// `why deal "D-1" to Negotiation`: every gate on the way, each criterion, its values.
    func explain(row r: Int, to target: StageDef, funnel: FunnelDef) throws -> String {
        let id = state.deals.ids[r]
        let current = state.stageName(ofRow: r)
        var lines = ["deal \"\(id)\": \(current) → \(target.name)"]
        if state.deals.status[r] != .open {
            lines.append("the deal is \(state.deals.status[r].name); reopen it before moving it")
            return lines.joined(separator: "\n")
        }
        if current == target.name {
            lines.append("the deal is already in \(target.name)")
            return lines.joined(separator: "\n")
        }
        let stages = stagesOnTheWay(row: r, to: target, funnel: funnel)
        if stages.isEmpty {
            lines.append(target.kind == .lost ? "closing as lost passes no gates" : "moving back passes no gates")
            lines.append("result: the move is allowed")
            return lines.joined(separator: "\n")
        }
        var failing = 0
        for stage in stages {
            let criteria = try evaluate(stage, row: r, funnel: funnel)
            if criteria.isEmpty {
                lines.append("\(stage.name): no exit criteria")
                continue
            }
            lines.append("\(stage.name) exit criteria:")
            let width = criteria.map { DisplayWidth.of($0.text) }.max() ?? 0
            for c in criteria {
                if !c.holds { failing += 1 }
                let pad = String(repeating: " ", count: width - DisplayWidth.of(c.text))
                lines.append("  \(c.holds ? "✓" : "✗") \(c.text)\(pad)   \(c.explanation)")
            }
        }
        lines.append(failing == 0 ? "result: the move is allowed"
                     : "result: the move is refused (\(failing) criteri\(failing == 1 ? "on" : "a") not met)")
        return lines.joined(separator: "\n")
    }
}
