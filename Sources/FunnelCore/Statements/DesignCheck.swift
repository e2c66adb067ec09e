/// `show rules` and the `check` statement: the store's rules as a table, and the design
/// warnings of `funnel check` for what the store already holds.
extension Interpreter {
    func showRules() -> ResultTable {
        let catalog = state.catalog
        let columns = [ResultColumn("rule", .text), ResultColumn("trigger", .text), ResultColumn("where", .text), ResultColumn("action", .text)]
        let rows: [[Value]] = catalog.ruleOrder.compactMap { catalog.rules[$0] }.map { rule in
            let source = rule.source
            func text(_ e: Expr) -> String { source.map { $0.text(e.range) } ?? "" }
            let trigger: String
            // Names with spaces or punctuation are quoted, as a script writes them.
            func name(_ n: String) -> String {
                n.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) && !(n.first?.isNumber ?? true) ? n : "\"\(n)\""
            }
            switch rule.trigger {
            case let .onEnter(s, f): trigger = "on enter \(name(s.text))" + (f.map { " in \(name($0.text))" } ?? "")
            case let .onExit(s, f): trigger = "on exit \(name(s.text))" + (f.map { " in \(name($0.text))" } ?? "")
            case .when(let e): trigger = "when \(text(e))"
            }
            return [.text(rule.name), .text(trigger), rule.filter.map { .text(text($0)) } ?? .null,
                    .text(FunnelDescription.describe(rule.action))]
        }
        return ResultTable(columns: columns, rows: rows)
    }

    /// Lints the recorded declarations of every funnel and rule in the store.
    func checkDesign() -> StatementOutput {
        let catalog = state.catalog
        var warnings: [Diagnostic] = []
        let sources = catalog.funnelOrder.compactMap { catalog.funnels[$0]?.source } + catalog.ruleOrder.compactMap { catalog.rules[$0]?.source }
        for source in sources {
            warnings += Lint.warnings(Parser.parse(source).statements, file: source, catalog: catalog)
        }
        if let w = ownersWhoAreNoPerson() { warnings.append(w) }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let summary = "checked \(plural(catalog.funnelOrder.count, "funnel")) and \(plural(catalog.ruleOrder.count, "rule")): "
            + plural(warnings.count, "warning")
        return warnings.isEmpty ? .message(summary) : .withWarnings(.message(summary), warnings)
    }
}
