/// Running `import deals`, `import table`, `import history` and `import leads`. Each reads
/// its whole file (through the interpreter's `importSource`) before it changes anything: rows
/// that cannot be imported stop the statement with every reason (first 20), and nothing from
/// the file is kept, unless `skip errors` keeps the good rows and reports the others as a
/// warning.
extension Interpreter {
    func runImport(_ kind: ImportKind, file fileExpr: Expr, mapping: [MappingItem], options: ImportOptions,
                   script: SourceFile) throws -> StatementOutput {
        switch kind {
        case .deals(let funnelName):
            guard let funnel = state.catalog.funnels[funnelName.text] else {
                throw Diagnostic(.name, "E203", "unknown funnel '\(funnelName.text)'", file: script, range: funnelName.range)
            }
            let outcome = try DealImporter(state: state, today: today, script: script, funnel: funnel, options: options,
                                           source: importSource)
                .run(file: fileExpr, mapping: mapping)
            try check(outcome.errors, kind: "deals", options: options, script: script, range: fileExpr.range)
            let b = outcome.batch
            if b.count > 0 {
                let rows = try recordImport(.deals(b), kind: "deals", file: outcome.fileName, rows: b.count, on: today)
                if !options.withoutRules { try announceStageChanges(b, rows: rows) }
            }
            let summary = "imported \(Self.plural(b.count, "deal")) from \(outcome.fileName) into \(funnel.name): \(outcome.created) new, \(outcome.updated) updated"
                + Self.filtered(outcome.skippedByFilter)
            return output(summary, outcome.errors, options: options, script: script, range: fileExpr.range)

        case let .table(name, key):
            let outcome = try TableImporter(state: state, today: today, script: script, options: options, source: importSource)
                .run(name: name, key: key, file: fileExpr)
            try check(outcome.errors, kind: "rows", options: options, script: script, range: fileExpr.range)
            let t = outcome.table
            try recordImport(.table(t), kind: "table", file: outcome.fileName, rows: t.rowCount, on: today)
            let summary = "imported table \(name.text) from \(outcome.fileName): \(Self.plural(t.rowCount, "row")), \(Self.plural(t.columns.count, "column"))"
                + Self.filtered(outcome.skippedByFilter)
            return output(summary, outcome.errors, options: options, script: script, range: fileExpr.range)

        case .history:
            let outcome = try HistoryImporter(state: state, today: today, script: script, options: options, source: importSource)
                .run(file: fileExpr, mapping: mapping)
            try check(outcome.errors, kind: "stage changes", options: options, script: script, range: fileExpr.range)
            let b = outcome.batch
            if b.count > 0 {
                let rows = try recordImport(.deals(b), kind: "history", file: outcome.fileName, rows: b.entryCount, on: today)
                if !options.withoutRules { try announceStageChanges(b, rows: rows) }
            }
            let summary = "imported \(Self.plural(outcome.changes, "stage change")) of \(Self.plural(b.count, "deal")) from \(outcome.fileName)"
                + Self.filtered(outcome.skippedByFilter)
            return output(summary, outcome.errors, options: options, script: script, range: fileExpr.range)

        case .people, .quotas:
            return try importPeopleFile(kind, file: fileExpr, mapping: mapping, options: options, script: script)

        case .leads:
            let outcome = try LeadImporter(state: state, today: today, script: script, options: options, source: importSource)
                .run(file: fileExpr, mapping: mapping)
            try check(outcome.errors, kind: "leads", options: options, script: script, range: fileExpr.range)
            for lead in outcome.leads { try record(.leadCreated(id: lead.id, fields: lead.fields), on: lead.day) }
            let summary = "imported \(Self.plural(outcome.leads.count, "lead")) from \(outcome.fileName)" + Self.filtered(outcome.skippedByFilter)
            let result = output(summary, outcome.errors, options: options, script: script, range: fileExpr.range)
            guard !outcome.warnings.isEmpty else { return result }
            if case let .withWarnings(inner, skipped) = result { return .withWarnings(inner, outcome.warnings + skipped) }
            return .withWarnings(result, outcome.warnings)
        }
    }

    /// What `where` left out, after the summary.
    static func filtered(_ n: Int) -> String { n == 0 ? "" : "; where left out \(plural(n, "row"))" }

    func check(_ errors: ImportErrors, kind: String, options: ImportOptions, script: SourceFile, range: SourceRange) throws {
        if !errors.isEmpty && !options.skipErrors { throw errors.failure(kind: kind, script: script, range: range) }
    }

    func output(_ summary: String, _ errors: ImportErrors, options: ImportOptions, script: SourceFile, range: SourceRange) -> StatementOutput {
        errors.isEmpty ? .message(summary) : .withWarnings(.message(summary), [errors.skipped(script: script, range: range)])
    }

    /// Every stage change the import made passes the interpreter's one seam for stage
    /// automation, in the order the changes happened per deal.
    func announceStageChanges(_ b: DealBatch, rows: [Int]) throws {
        for k in 0..<b.entryCount {
            let from = b.entryFrom[k] < 0 ? nil : b.strings[Int(b.entryFrom[k])]
            try stageChanged(row: rows[Int(b.entryRow[k])], from: from, to: b.strings[Int(b.entryTo[k])], on: b.entryDay[k])
        }
    }

    static func plural(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
