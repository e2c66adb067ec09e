/// Design warnings for `funnel check`, after the seed article's advice: 4 to 6 open
/// stages, probabilities that rise stage by stage, an objective exit criterion on every
/// open stage. Warnings never fail a run.
public enum Lint {
    public static func warnings(_ statements: [Statement], file: SourceFile, catalog: Catalog) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for s in statements {
            guard case .funnel(let decl) = s.kind, let f = catalog.funnels[decl.name.text] else { continue }
            let open = Array(f.openStages)
            func warn(_ code: String, _ message: String, _ range: SourceRange, help: String? = nil) {
                out.append(Diagnostic(.name, code, message, file: file, range: range, help: help, severity: .warning))
            }
            if open.count < 4 || open.count > 6 {
                warn("W001", "funnel '\(f.name)' has \(open.count) open stage\(open.count == 1 ? "" : "s"); 4 to 6 keep a funnel readable",
                     decl.name.range, help: open.count < 4 ? "split a broad stage in two" : "merge stages that share their exit criteria")
            }
            for (a, b) in zip(open, open.dropFirst()) where b.probability <= a.probability {
                let range = decl.stages.first(where: { $0.name.text == b.name })?.range ?? decl.name.range
                warn("W002", "stage '\(b.name)' has probability \(percent(b.probability)), not above '\(a.name)' (\(percent(a.probability)))",
                     range, help: "probabilities should rise stage by stage")
            }
            for st in open where st.exitWhen == nil {
                let range = decl.stages.first(where: { $0.name.text == st.name })?.range ?? decl.name.range
                warn("W003", "stage '\(st.name)' has no exit criteria", range, help: gateExample(catalog))
            }
        }
        return out + ruleWarnings(statements, file: file, catalog: catalog)
    }

    /// An example gate made of the script's own fields, so a funnel whose fields are 预算确认
    /// and 决策人 is not shown English names it does not have.
    static func gateExample(_ catalog: Catalog) -> String {
        let declared = catalog.fieldOrder.compactMap { catalog.fields[$0] }
        let flag = declared.first { $0.type == .bool }?.name
        let named = (declared.first { $0.type == .text } ?? declared.first { $0.type != .bool })?.name
        switch (flag, named) {
        case let (f?, n?): return "add an objective gate, for example: exit when \(f) and \(n) is not empty"
        case let (f?, nil): return "add an objective gate, for example: exit when \(f)"
        case let (nil, n?): return "add an objective gate, for example: exit when \(n) is not empty"
        case (nil, nil):
            return "add an objective gate, for example: exit when budget_confirmed and decision_maker is not empty"
        }
    }

    static func percent(_ p: Double) -> String {
        let v = (p * 1000).rounded() / 10
        return v == v.rounded() ? "\(Int(v))%" : "\(v)%"
    }
}
