/// Three-valued truth for time-based rule conditions: a condition whose outcome hangs on
/// an empty field is neither true nor false, and `check rules` reports it instead of
/// silently treating it as false (as a query's `where` does).
enum Truth: Equatable {
    case yes, no, unknown
}

/// Compiles a condition to a function giving its `Truth` per deal (Kleene logic: `false
/// and unknown` is false, `true or unknown` is true). Comparisons with an empty operand,
/// an empty bool field, and `in` on an empty value are unknown; `is empty`, stage
/// comparisons and `stale` are always known.
struct TruthCompiler {
    let compiler: ExprCompiler

    func compile(_ e: Expr) throws -> (Int) -> Truth {
        switch e.kind {
        case .binary(.and, let l, let r):
            let a = try compile(l), b = try compile(r)
            return { row in
                let x = a(row)
                if x == .no { return .no }
                let y = b(row)
                if y == .no { return .no }
                return x == .yes && y == .yes ? .yes : .unknown
            }
        case .binary(.or, let l, let r):
            let a = try compile(l), b = try compile(r)
            return { row in
                let x = a(row)
                if x == .yes { return .yes }
                let y = b(row)
                if y == .yes { return .yes }
                return x == .no && y == .no ? .no : .unknown
            }
        case .not(let x):
            let a = try compile(x)
            return { row in
                switch a(row) {
                case .yes: return .no
                case .no: return .yes
                case .unknown: return .unknown
                }
            }
        case .binary(let op, let l, let r) where [.eq, .ne, .lt, .le, .gt, .ge].contains(op):
            if isStage(l) || isStage(r) || l.kind == .empty || r.kind == .empty { return try known(e) }
            let a = try compiler.compile(l), b = try compiler.compile(r), p = try compiler.predicate(e)
            return { row in a(row).isNull || b(row).isNull ? .unknown : (p(row) ? .yes : .no) }
        case .inList(let x, _, _):
            if isStage(x) { return try known(e) }
            let a = try compiler.compile(x), p = try compiler.predicate(e)
            return { row in a(row).isNull ? .unknown : (p(row) ? .yes : .no) }
        case .isEmpty, .tasksDone:
            return try known(e)
        default:
            let v = try compiler.compile(e)
            return { row in
                switch v(row) {
                case .bool(let b): return b ? .yes : .no
                case .null: return .unknown
                default: return .no
                }
            }
        }
    }

    func isStage(_ e: Expr) -> Bool { e.kind == .name("stage") }

    func known(_ e: Expr) throws -> (Int) -> Truth {
        let p = try compiler.predicate(e)
        return { p($0) ? .yes : .no }
    }
}

extension Interpreter {
    /// `check rules`: every time-based rule against every open deal, as of today. A rule
    /// fires at most once per deal per stage visit (RuleFiring), so running this twice a
    /// day, or every day, never repeats an alert; a new visit to the stage may fire again.
    /// Everything is worked out first and recorded after, so nothing is half-applied.
    func checkRules(file: SourceFile) throws -> StatementOutput {
        // Worked out first, recorded after (and after the batch's copy of the state is gone).
        let (events, output) = try timeRuleEvents()
        for e in events { try record(e, on: today) }
        // With a delivery command declared, what is new goes out at once (Delivery.swift).
        if state.people.delivery != nil, courier != nil {
            return try Self.combine(output, try deliverNotifications(file: file, range: executing?.range))
        }
        return output
    }

    func timeRuleEvents() throws -> ([DomainEvent], StatementOutput) {
        let catalog = state.catalog
        let rules = catalog.ruleOrder.compactMap { catalog.rules[$0] }.filter {
            if case .when = $0.trigger { return true }
            return false
        }
        guard !rules.isEmpty else {
            return ([], .message("no time-based rules to check (declare one: rule NAME when CONDITION do ACTION)"))
        }
        // A backfill runs `check rules` with today set to a past day: the rules then see the
        // deals open on that day, as they stood on it, so alerts fire when they would have.
        let view = try stateOnToday()
        var batch = AutomationBatch(state: view, day: today, numbering: state, templates: messageTemplates)
        var warnings: [Diagnostic] = []
        let deals = view.deals
        let open = (0..<deals.count).filter { deals.status[$0] == .open }
        for rule in rules {
            guard case .when(let condition) = rule.trigger else { continue }
            let source = rule.source ?? SourceFile(name: "<rule \(rule.name)>", text: "")
            let compiler = ExprCompiler(context: batch.ctx, file: source)
            let truth: (Int) -> Truth
            let filter: ExprCompiler.Predicate?
            do {
                truth = try TruthCompiler(compiler: compiler).compile(condition)
                filter = try rule.filter.map { try compiler.predicate($0) }
            } catch var d as Diagnostic {
                d.severity = .warning
                d.message = "rule '\(rule.name)' was not checked: \(d.message)"
                warnings.append(d)
                continue
            }
            var failed: [(deal: Int, why: String)] = []
            for r in open {
                let stage = view.stageName(ofRow: r)
                let visit = deals.stageEntered[r]
                if view.firedRules.contains(RuleFiring(rule: rule.name, deal: deals.ids[r], stage: stage, visit: visit)) { continue }
                switch truth(r) {
                case .no: continue
                case .unknown:
                    failed.append((r, emptyFields(in: condition, row: r, compiler: compiler)))
                    continue
                case .yes: break
                }
                if let filter, !filter(r) { continue }
                batch.run(rule.action, row: r, stage: stage, visit: visit, on: today, origin: .rule, rule: rule.name,
                          label: rule.name, firing: true, file: source)
            }
            if !failed.isEmpty { warnings.append(unevaluated(rule, condition: condition, failed: failed, ids: deals.ids, file: source)) }
        }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let summary = "checked \(plural(rules.count, "rule")) against \(plural(open.count, "open deal")): "
            + "\(plural(batch.notificationCount, "notification")), \(plural(batch.taskCount, "task"))"
        return (batch.events, warnings.isEmpty ? .message(summary) : .withWarnings(.message(summary), warnings))
    }

    /// The state as it stood at the end of today: the state itself unless a change is dated
    /// after today (declarations count whatever their date, as in `as of`).
    func stateOnToday() throws -> FunnelState {
        let later = state.log.contains { e in
            if case .declare = e.event { return false }
            return e.day > today
        }
        return later ? try state.asOf(today) : state
    }

    /// Two outputs of one statement, messages joined and warnings kept.
    static func combine(_ a: StatementOutput, _ b: StatementOutput) -> StatementOutput {
        func split(_ o: StatementOutput) -> (String?, [Diagnostic]) {
            switch o {
            case .message(let m): return (m, [])
            case let .withWarnings(inner, w): let (m, more) = split(inner); return (m, more + w)
            default: return (nil, [])
            }
        }
        let (ma, wa) = split(a), (mb, wb) = split(b)
        let message = StatementOutput.message([ma, mb].compactMap { $0 }.joined(separator: "\n"))
        return wa.isEmpty && wb.isEmpty ? message : .withWarnings(message, wa + wb)
    }

    /// Which of the condition's fields are empty for the deal, for the report.
    func emptyFields(in condition: Expr, row r: Int, compiler: ExprCompiler) -> String {
        let empty = ResultColumns.names(in: condition).sorted().filter { ExprCompiler.isEmptyValue(compiler.field($0)(r)) }
        return empty.isEmpty ? "the condition's value is empty" : empty.map { "\($0) is empty" }.joined(separator: ", ")
    }

    func unevaluated(_ rule: RuleDef, condition: Expr, failed: [(deal: Int, why: String)], ids: TextColumn, file: SourceFile) -> Diagnostic {
        let shown = 20
        var notes = failed.prefix(shown).map { "deal \"\(ids[$0.deal])\": \($0.why)" }
        if failed.count > shown { notes.append("… and \(failed.count - shown) more") }
        let one = failed.count == 1
        return Diagnostic(.runtime, "R310",
                          "rule '\(rule.name)' cannot be evaluated for \(one ? "deal \"\(ids[failed[0].deal])\"" : "\(failed.count) deals"); "
                            + "\(one ? "it was" : "they were") skipped",
                          file: file.bytes.isEmpty ? nil : file, range: file.bytes.isEmpty ? nil : condition.range,
                          notes: notes,
                          help: "fill in the missing fields, or allow for them in the rule: FIELD is not empty and ...",
                          severity: .warning)
    }
}
