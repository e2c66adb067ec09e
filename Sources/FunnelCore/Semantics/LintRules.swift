extension Lint {
    /// W004: a rule on a stage that no funnel (or not the funnel it names) has can never
    /// fire. `funnel check` reports it as this warning; a run refuses the rule as a name
    /// error (E202), since a misspelt stage would otherwise fail silently forever.
    static func ruleWarnings(_ statements: [Statement], file: SourceFile, catalog: Catalog) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for s in statements {
            guard case .rule(let d) = s.kind else { continue }
            let stage: Identifier, funnel: Identifier?
            switch d.trigger {
            case let .onEnter(st, f), let .onExit(st, f): stage = st; funnel = f
            case .when: continue
            }
            let funnels = funnel.map { f in catalog.funnels[f.text].map { [$0] } ?? [] } ?? catalog.funnelOrder.compactMap { catalog.funnels[$0] }
            guard !funnels.contains(where: { $0.stage(named: stage.text) != nil }) else { continue }
            let known = funnel == nil ? catalog.allStageNames : funnels.flatMap { $0.stages.map(\.name) }
            let place = funnel.map { "funnel '\($0.text)' has no stage" } ?? "no funnel has a stage"
            out.append(Diagnostic(.name, "W004", "rule '\(d.name.text)' can never fire: \(place) '\(stage.text)'",
                                  file: file, range: stage.range,
                                  help: Suggest.closest(to: stage.text, in: known).map { "did you mean '\($0)'?" }
                                    ?? (known.isEmpty ? "declare the funnel first" : "the stages are: " + known.joined(separator: ", ")),
                                  severity: .warning))
        }
        return out
    }
}
