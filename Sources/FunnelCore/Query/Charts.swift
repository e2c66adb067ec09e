/// `chart funnel NAME` and `chart QUERY`: which figure a chart shows. A chart is a view of a
/// result table, so every other output format prints the table itself.
enum Charts {
    /// The figure each report is about; `show COLUMN` on the query picks another.
    static func headline(_ verb: QueryVerb) -> String? { verb.spec.chartHeadline }

    static func chart(_ q: Query, table: ResultTable, file: SourceFile) throws -> StatementOutput {
        let metricNames = Set(ResultColumns.of(q.verb).map(\.name))
        guard !metricNames.isEmpty else {
            throw Diagnostic(.runtime, "R140", "cannot chart '\(q.verb.name)': it has no figure per group", file: file, range: q.range,
                             help: "chart an aggregate: chart pipeline, chart forecast by team, chart count deals by stage")
        }
        var wanted = headline(q.verb)
        if let shown = q.columns {
            guard shown.count == 1, case .name(let n) = shown[0].kind, metricNames.contains(n) else {
                throw Diagnostic(.runtime, "R141", "show in a chart names one result column", file: file,
                                 range: shown.first?.range ?? q.range,
                                 help: "one of: " + ResultColumns.of(q.verb).map(\.name).joined(separator: ", "))
            }
            wanted = n
        }
        guard let value = table.columns.firstIndex(where: { $0.name == wanted }) else {
            throw Diagnostic(.runtime, "R140", "cannot chart '\(q.verb.name)'", file: file, range: q.range)
        }
        let labels = table.columns.indices.filter { !metricNames.contains(table.columns[$0].name) }
        return .chart(table, labelColumns: labels, valueColumn: value, title: file.text(q.range))
    }

    /// The funnel's open deals per stage, by amount.
    static func funnel(_ name: Identifier, state: FunnelState, today: Int32, file: SourceFile) throws -> StatementOutput {
        guard state.catalog.funnels[name.text] != nil else {
            throw Diagnostic(.name, "E203", "unknown funnel '\(name.text)'", file: file, range: name.range)
        }
        let range = SourceRange(0, 0)
        let q = Query(verb: .pipeline,
                      filter: Expr(.binary(.eq, Expr(.name("funnel"), range), Expr(.string(name.text), range)), range),
                      range: range)
        var table = try QueryRunner(context: EvalContext(state: state, today: today), file: file).run(q)
        // Only this funnel's stages: the default grouping lists every funnel's.
        let own = Set(state.catalog.funnels[name.text]?.openStages.map(\.name) ?? [])
        table.rows = table.rows.filter { if case .text(let s) = $0[0] { return own.contains(s) } else { return false } }
        table.total = nil
        return .chart(table, labelColumns: [0], valueColumn: 2, title: "funnel \(name.text): open deals by stage")
    }
}
