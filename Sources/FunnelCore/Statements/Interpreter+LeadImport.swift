/// `import leads` as a statement: reads the file with the lead importer (Import/LeadImport.swift)
/// and records each lead as an event.
extension Interpreter {
    /// A relative path in a script is taken from the script's folder (LANGUAGE.md).
    static func resolvePath(_ path: String, relativeTo file: SourceFile) -> String {
        if path.hasPrefix("/") { return path }
        guard let base = file.baseDirectory, !base.isEmpty else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    func importLeads(path: Expr, mapping: [MappingItem], options: ImportOptions, file: SourceFile) throws -> StatementOutput {
        guard case .string(let name) = path.kind else {
            throw Diagnostic(.type, "E305", "the file name must be in quotes", file: file, range: path.range)
        }
        if let first = options.stageMap.first {
            throw Diagnostic(.usage, "R520", "leads have no stages; 'stages (...)' is for import deals", file: file, range: first.1.range)
        }
        var dateFormat: DateFormat?
        if let pattern = options.dateFormat {
            guard let f = DateFormat(pattern: pattern) else {
                throw Diagnostic(.usage, "R520", "'\(pattern)' is not a date format", file: file, range: path.range,
                                 help: "use letters yyyy, MM, dd (and HH, mm, ss), like \"MM/dd/yyyy\"")
            }
            dateFormat = f
        }
        func located(_ error: Error) -> Error {
            guard var d = error as? Diagnostic else { return error }
            if d.file == nil { d.file = file; d.range = path.range }
            return d
        }
        let reader: CSVReader
        let header: [String]
        do {
            reader = try CSVReader(path: Self.resolvePath(name, relativeTo: file),
                                   delimiter: options.delimiter?.utf8.first ?? UInt8(ascii: ","))
            guard let h = try reader.readHeader() else {
                throw Diagnostic(.io, "I006", "\(name) is empty: it has no header row", file: file, range: path.range)
            }
            header = h.map { $0.trimmingSpaces() }
        } catch { throw located(error) }
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() where index[h] == nil { index[h] = i }
        let holder = CSVRowHolder(decimalComma: options.decimalComma, dateFormat: dateFormat)
        let ctx = EvalContext(state: state, today: today)
        let compiler = ExprCompiler(context: ctx, file: file, names: { column, range in
            guard let i = index[column] else {
                throw Diagnostic(.runtime, "R521", "\(name) has no column '\(column)'", file: file, range: range,
                                 help: Suggest.closest(to: column, in: header).map { "did you mean '\($0)'?" }
                                    ?? "its columns are: " + header.joined(separator: ", "))
            }
            return { _ in holder.value(i) }
        })
        // Each target: its name, what a failure is reported under, and its value.
        var targets: [(name: String, label: String, eval: ExprCompiler.Eval)] = []
        if mapping.isEmpty {
            for (i, h) in header.enumerated() where index[h] == i {
                if RecordSchema.leadSystemColumns.contains(h), h != "id", h != "created" {
                    throw Diagnostic(.runtime, "R522", "\(name) has a column '\(h)', which a lead import cannot set", file: file, range: path.range,
                                     help: "map the columns to keep: import leads from \"\(name)\" (id = ..., company = ..., source = ...)")
                }
                targets.append((h, h, { _ in holder.value(i) }))
            }
        } else {
            var seen = Set<String>()
            for m in mapping {
                if let stage = m.enteredStage {
                    throw Diagnostic(.usage, "R520", "leads have no stages; 'entered \(stage.text)' is for import deals", file: file, range: stage.range)
                }
                let target = m.target.text
                guard seen.insert(target).inserted else {
                    throw Diagnostic(.name, "E207", "'\(target)' is mapped twice", file: file, range: m.target.range)
                }
                if RecordSchema.leadSystemColumns.contains(target), target != "id", target != "created" {
                    throw Diagnostic(.name, "E214", "a lead's '\(target)' cannot be imported", file: file, range: m.target.range,
                                     help: Resolver.leadColumnHelp(target))
                }
                // `target = column`, or `target = "Column Name"` for a header with spaces
                // (as in LANGUAGE.md's import examples), or an expression over columns.
                switch m.value.kind {
                case .name(let column), .string(let column):
                    let e = Expr(.name(column), m.value.range)
                    targets.append((target, column, try compiler.compile(e)))
                default:
                    targets.append((target, target, try compiler.compile(m.value)))
                }
            }
        }
        guard let idTarget = targets.firstIndex(where: { $0.name == "id" }) else {
            throw Diagnostic(.runtime, "R523", mapping.isEmpty ? "\(name) has no 'id' column" : "the mapping gives no id",
                             file: file, range: path.range, help: "map the column that identifies a lead: (id = COLUMN, ...)")
        }
        var rows: [(id: String, day: Int32, fields: [DomainEvent.FieldValue])] = []
        /// Failed rows as `file:line: column: reason`, one per row.
        var problems: [(line: Int, text: String)] = []
        func fail(_ line: Int, _ column: String, _ reason: String) { problems.append((line, "\(name):\(line): \(column): \(reason)")) }
        // Rows are read whole first, since a column's kind depends on all its cells.
        var records: [(line: Int, cells: [String])] = []
        do {
            while let record = try reader.nextRecord() {
                try Cancellation.checkpoint(record.line)
                if record.count != header.count {
                    fail(record.line, "row", "has \(record.count) field\(record.count == 1 ? "" : "s"); the header has \(header.count)")
                } else if let bad = (0..<record.count).first(where: { !record.isValidUTF8($0) }) {
                    fail(record.line, header[bad], "is not valid UTF-8 text")
                } else {
                    records.append((record.line, record.fields))
                }
            }
        } catch { throw located(error) }
        holder.inferKinds(records.map(\.cells), columns: header.count)
        var seenIDs: [String: Int] = [:]
        rowLoop: for record in records {
            holder.cells = record.cells
            let idLabel = targets[idTarget].label
            let id = ValueFormatter.machine(targets[idTarget].eval(0)).trimmingSpaces()
            if id.isEmpty { fail(record.line, idLabel, "empty; every lead needs an id"); continue }
            if state.leads.row(of: id) != nil { fail(record.line, idLabel, "lead \"\(id)\" already exists"); continue }
            if let earlier = seenIDs[id] { fail(record.line, idLabel, "lead \"\(id)\" is also on line \(earlier)"); continue }
            var day = today
            var fields: [DomainEvent.FieldValue] = []
            for (i, t) in targets.enumerated() where i != idTarget {
                let v = t.eval(0)
                if t.name == "created" {
                    switch v {
                    case .null: continue
                    case .date(let d): day = d; continue
                    // A column with one bad date is typed text; its good dates still count.
                    case .text(let t) where ValueParsing.date(t, format: dateFormat) != nil:
                        day = ValueParsing.date(t, format: dateFormat) ?? day
                        continue
                    default:
                        fail(record.line, t.label, "'\(ValueFormatter.machine(v))' is not a date")
                        continue rowLoop
                    }
                }
                if !v.isNull { fields.append(.init(t.name, v)) }
            }
            seenIDs[id] = record.line
            rows.append((id, day, fields))
        }
        let failed = problems.count
        let shown = 20
        let notes = problems.sorted { $0.line < $1.line }.prefix(shown).map(\.text) + (failed > shown ? ["… and \(failed - shown) more"] : [])
        func rowsText(_ n: Int) -> String { "\(n) row\(n == 1 ? "" : "s")" }
        if failed > 0, !options.skipErrors {
            throw Diagnostic(.runtime, "R524", "\(rowsText(failed)) of \(name) failed; no lead was imported",
                             file: file, range: path.range, notes: notes,
                             help: "fix the rows, or add skip errors to import the others")
        }
        for row in rows { try record(.leadCreated(id: row.id, fields: row.fields), on: row.day) }
        let summary = "imported \(rows.count) lead\(rows.count == 1 ? "" : "s") from \(name)"
        guard failed > 0 else { return .message(summary) }
        let warning = Diagnostic(.runtime, "R524", "skipped \(rowsText(failed)) of \(name)", file: file, range: path.range,
                                 notes: notes, severity: .warning)
        return .withWarnings(.message(summary + "; skipped \(rowsText(failed))"), [warning])
    }
}
