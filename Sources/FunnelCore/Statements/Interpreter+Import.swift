/// Running `import deals`, `import table`, `import history` and `import leads`. Each reads
/// its whole file (through the interpreter's `importSource`) before it changes anything: rows
/// that cannot be imported stop the statement with every reason (first 20), and nothing from
/// the file is kept, unless `skip errors` keeps the good rows and reports the others as a
/// warning.
extension Interpreter {
    func runImport(_ kind: ImportKind, file fileExpr: Expr, mapping: [MappingItem], options: ImportOptions,
                   script: SourceFile) throws -> StatementOutput {
        // `on DATE`: the day the export was taken, which the import's undated changes take.
        let today = try effectiveDate(options.on, file: script)
        let context = ImportContext(state: state, today: today, script: script, options: options, source: importSource)
        switch kind {
        case .deals(let funnelName):
            guard let funnel = state.catalog.funnels[funnelName.text] else {
                throw Diagnostic(.name, "E203", "unknown funnel '\(funnelName.text)'", file: script, range: funnelName.range)
            }
            let outcome = try DealImporter(context: context, funnel: funnel)
                .run(file: fileExpr, mapping: mapping)
            try check(outcome, kind: "deals", options: options, script: script, range: fileExpr.range)
            let b = outcome.batch
            if b.count > 0 {
                let rows = try recordImport(.deals(b), kind: options.snapshot ? "snapshot" : "deals", file: outcome.fileName,
                                            rows: b.count, on: today)
                if !options.withoutRules { try announceStageChanges(b, rows: rows) }
            }
            var snapshotNote = ""
            if options.snapshot {
                let (removed, returned) = snapshotVerdict(funnel: funnel.name, present: Set(b.ids))
                if !removed.isEmpty || !returned.isEmpty {
                    try record(.snapshot(funnel: funnel.name, removed: removed, returned: returned), on: today)
                }
                snapshotNote = "; \(Self.plural(removed.count, "open deal")) not in the file removed"
                    + (returned.isEmpty ? "" : ", \(returned.count) back")
            }
            let summary = "imported \(Self.plural(b.count, "deal")) from \(outcome.fileName) into \(funnel.name): \(outcome.created) new, \(outcome.updated) updated"
                + snapshotNote
            return output(summary, outcome, options: options, script: script, range: fileExpr.range)

        case let .table(name, key):
            let outcome = try TableImporter(context: context)
                .run(name: name, key: key, file: fileExpr)
            try check(outcome, kind: "rows", options: options, script: script, range: fileExpr.range)
            let t = outcome.table
            try recordImport(.table(t), kind: "table", file: outcome.fileName, rows: t.rowCount, on: today)
            let summary = "imported table \(name.text) from \(outcome.fileName): \(Self.plural(t.rowCount, "row")), \(Self.plural(t.columns.count, "column"))"
            return output(summary, outcome, options: options, script: script, range: fileExpr.range)

        case .history where mapping.contains(where: { $0.target.text == "field" && $0.enteredStage == nil }):
            let long = try LongHistoryImporter(context: context)
                .run(file: fileExpr, mapping: mapping)
            let outcome = long.history
            try check(outcome, kind: "changes", options: options, script: script, range: fileExpr.range)
            let b = outcome.batch
            if b.count > 0 {
                let known = announcesStageChanges(options) ? knownStageChanges(of: b) : []
                let rows = try recordImport(.deals(b), kind: "history", file: outcome.fileName, rows: b.entryCount + b.changeRow.count, on: today)
                if !options.withoutRules { try announceStageChanges(b, rows: rows, known: known) }
            }
            let others = long.leftOut.isEmpty ? ""
                : "; \(Self.plural(long.leftOut.reduce(0) { $0 + $1.1 }, "row")) of other fields left out ("
                    + long.leftOut.map(\.0).joined(separator: ", ") + ")"
            let summary = "imported \(Self.plural(outcome.changes, "stage change")) and \(Self.plural(long.fieldChanges, "field change")) of \(Self.plural(b.count, "deal")) from \(outcome.fileName)"
                + others
            return output(summary, outcome, options: options, script: script, range: fileExpr.range)

        case .history:
            let outcome = try HistoryImporter(context: context)
                .run(file: fileExpr, mapping: mapping)
            try check(outcome, kind: "stage changes", options: options, script: script, range: fileExpr.range)
            let b = outcome.batch
            if b.count > 0 {
                let known = announcesStageChanges(options) ? knownStageChanges(of: b) : []
                let rows = try recordImport(.deals(b), kind: "history", file: outcome.fileName, rows: b.entryCount, on: today)
                if !options.withoutRules { try announceStageChanges(b, rows: rows, known: known) }
            }
            let fieldRows = b.changeFields.isEmpty ? "" : " and \(Self.plural(b.changeRow.count, "row")) of field values"
            let summary = "imported \(Self.plural(outcome.changes, "stage change"))\(fieldRows) of \(Self.plural(b.count, "deal")) from \(outcome.fileName)"
            return output(summary, outcome, options: options, script: script, range: fileExpr.range)

        case .people, .quotas:
            return try importPeopleFile(kind, file: fileExpr, mapping: mapping, options: options, script: script)

        case .leads:
            let outcome = try LeadImporter(context: context)
                .run(file: fileExpr, mapping: mapping)
            try check(outcome, kind: "leads", options: options, script: script, range: fileExpr.range)
            for lead in outcome.leads { try record(.leadCreated(id: lead.id, fields: lead.fields), on: lead.day) }
            let summary = "imported \(Self.plural(outcome.leads.count, "lead")) from \(outcome.fileName)"
            let result = output(summary, outcome, options: options, script: script, range: fileExpr.range)
            guard !outcome.warnings.isEmpty else { return result }
            if case let .withWarnings(inner, skipped) = result { return .withWarnings(inner, outcome.warnings + skipped) }
            return .withWarnings(result, outcome.warnings)
        }
    }

    /// A snapshot's verdict, after its rows are applied: the funnel's open deals the file
    /// lacks are removed, and its removed deals the file has are back — in the store's order.
    func snapshotVerdict(funnel: String, present: Set<String>) -> (removed: [String], returned: [String]) {
        var removed: [String] = [], returned: [String] = []
        let deals = state.deals
        guard let f = state.pool.code(of: funnel) else { return ([], []) }
        for r in 0..<deals.count where deals.funnel[r] == f {
            let here = present.contains(deals.ids[r])
            if deals.status[r] == .open, !here { removed.append(deals.ids[r]) }
            if deals.status[r] == .removed, here { returned.append(deals.ids[r]) }
        }
        return (removed, returned)
    }

    /// What `where` left out, after the summary.
    static func filtered(_ n: Int) -> String { n == 0 ? "" : "; where left out \(plural(n, "row"))" }

    func check(_ errors: ImportErrors, kind: String, options: ImportOptions, script: SourceFile, range: SourceRange) throws {
        if !errors.isEmpty && !options.skipErrors { throw errors.failure(kind: kind, script: script, range: range) }
    }

    func output(_ summary: String, _ errors: ImportErrors, options: ImportOptions, script: SourceFile, range: SourceRange) -> StatementOutput {
        errors.isEmpty ? .message(summary) : .withWarnings(.message(summary), [errors.skipped(script: script, range: range)])
    }

    func check(_ outcome: some ImportOutcome, kind: String, options: ImportOptions, script: SourceFile, range: SourceRange) throws {
        try check(outcome.errors, kind: kind, options: options, script: script, range: range)
    }

    /// The summary, with what the `where` left out, and the rows `skip errors` left out.
    func output(_ summary: String, _ outcome: some ImportOutcome, options: ImportOptions, script: SourceFile,
                range: SourceRange) -> StatementOutput {
        output(summary + Self.filtered(outcome.skippedByFilter), outcome.errors, options: options, script: script, range: range)
    }

    /// Every stage change the import made passes the interpreter's one seam for stage
    /// automation, in the order the changes happened per deal.
    ///
    /// `known`: for `import history`, the changes each deal's history already had. A history
    /// restates them (most often the deal's creation in its first stage); they are not new,
    /// and announcing them again would make their key tasks a second time.
    func announceStageChanges(_ b: DealBatch, rows: [Int], known: Set<KnownStageChange> = []) throws {
        guard stageChangesCanDoAnything else { return }
        for k in 0..<b.entryCount {
            if !known.isEmpty, known.contains(KnownStageChange(batch: b, entry: k)) { continue }
            let from = b.entryFrom[k] < 0 ? nil : b.strings[Int(b.entryFrom[k])]
            try stageChanged(row: rows[Int(b.entryRow[k])], from: from, to: b.strings[Int(b.entryTo[k])], on: b.entryDay[k])
        }
    }

    /// Most imports run into a funnel with no stage automation and no open tasks: then no
    /// change can do anything, and asking row by row costs more than the import itself.
    var stageChangesCanDoAnything: Bool { stageChangesCanRunAutomation || state.tasks.status.contains(.open) }

    /// Whether an import's stage changes will pass `announceStageChanges`: only then does a
    /// history need the changes its deals had before (`knownStageChanges`), a set of every
    /// stage change of those deals — at a million deals, a sixth of the import's time.
    func announcesStageChanges(_ options: ImportOptions) -> Bool { !options.withoutRules && stageChangesCanDoAnything }

    static func plural(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// The stage changes the batch's deals have now, as the batch would write them: a
    /// deal's first entry by its stage alone (its creation, whatever day the file gives).
    func knownStageChanges(of b: DealBatch) -> Set<KnownStageChange> {
        var rows = Set<Int32>()
        for id in b.ids { if let r = state.deals.rowOfID[id] { rows.insert(r) } }
        guard !rows.isEmpty else { return [] }
        let h = state.history, pool = state.pool
        var out = Set<KnownStageChange>()
        for k in 0..<h.count where rows.contains(h.deal[k]) {
            let first = h.fromStage[k] == Empty.text
            out.insert(KnownStageChange(deal: state.deals.ids[Int(h.deal[k])], day: first ? nil : h.day[k],
                                        from: first ? nil : pool[h.fromStage[k]], to: pool[h.stage[k]]))
        }
        return out
    }
}

/// One stage change of one deal, to compare a history file's rows with what is known.
struct KnownStageChange: Hashable {
    var deal: String
    /// Nil for a deal's first stage (its creation).
    var day: Int32?
    var from: String?
    var to: String

    init(deal: String, day: Int32?, from: String?, to: String) {
        self.deal = deal; self.day = day; self.from = from; self.to = to
    }

    init(batch b: DealBatch, entry k: Int) {
        let first = b.entryFrom[k] < 0
        self.init(deal: b.ids[Int(b.entryRow[k])], day: first ? nil : b.entryDay[k],
                  from: first ? nil : b.strings[Int(b.entryFrom[k])], to: b.strings[Int(b.entryTo[k])])
    }
}
