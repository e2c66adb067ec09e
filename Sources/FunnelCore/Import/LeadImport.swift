/// `import leads from FILE [(mapping)] [options]`, through the same file opening, mapping and
/// row-error report as the other imports. Without a mapping every column becomes a lead field
/// of the same name (an `id` column is required, `created` gives the lead's date); with one,
/// only the targets named are kept.
///
/// Lead fields are not declared, so each field's type is found from all its values, and the
/// values are then read as a deal import reads a field of that type (`FieldConversion`): a
/// date if every non-empty value is one (ISO, or the `date format`), else a number (none with
/// a leading zero, so `02134` stays a code), else true or false (true/false, yes/no, 是/否,
/// ...), else text. A field that a few cells turn into text is reported by a warning naming
/// them, since that is usually a typo in the file (`budget = "ture"`), not a text field.
struct LeadImporter: Importer {
    let context: ImportContext

    struct Lead {
        var id: String
        var day: Int32
        var fields: [DomainEvent.FieldValue]
    }

    struct Outcome: ImportOutcome {
        var leads: [Lead]
        var errors: ImportErrors
        var skippedByFilter: Int
        var warnings: [Diagnostic]
    }

    /// At most this many cells may force a field to text before it is simply a text field.
    static let fewCells = 5

    func run(file fileExpr: Expr, mapping given: [MappingItem]) throws -> Outcome {
        let file = try context.open(.leads, fileExpr, mapping: given)
        // No mapping: every column, under its own name.
        var mapping: [MappingItem] = given
        if given.isEmpty {
            for (i, h) in file.header.enumerated() where file.header.firstIndex(of: h) == i {
                let target = Identifier(h, fileExpr.range)
                mapping.append(MappingItem(target: target, enteredStage: nil, value: Expr(.string(h), fileExpr.range)))
            }
        }
        let m = try context.mapping(mapping, file: file)
        guard let idItem = m.index(of: "id") else {
            throw Diagnostic(.name, "I017", "import leads needs the lead's id: id = COLUMN", file: script, range: fileExpr.range)
        }
        // Problems of both passes, reported in line order.
        var failed: [(line: Int, problems: [RowProblem])] = []
        // A field's type depends on all its values, so rows are read whole first.
        var rows: [(line: Int, id: String, values: [Value])] = []
        var seenIDs: [String: Int] = [:]
        while let record = try file.next() {
            m.load(record)
            do throws(RowProblem) { if try !m.keeps() { continue } } catch { failed.append((record.line, [error])); continue }
            var problems: [RowProblem] = []
            if let extra = file.extraFields(record.count) { problems.append(extra) }
            var id = ""
            do throws(RowProblem) {
                guard let text = try m.trimmedText(idItem) else { throw RowProblem(m.items[idItem].label, "the id is empty") }
                if state.leads.row(of: text) != nil { throw RowProblem(m.items[idItem].label, "lead \(FieldConversion.quote(text)) already exists") }
                if let earlier = seenIDs[text] { throw RowProblem(m.items[idItem].label, "\(FieldConversion.quote(text)) is also on line \(earlier)") }
                id = text
            } catch { problems.append(error) }
            var values: [Value] = []
            for i in m.items.indices {
                do throws(RowProblem) { values.append(try m.value(i)) } catch { problems.append(error); values.append(.null) }
            }
            if !problems.isEmpty { failed.append((record.line, problems)); continue }
            seenIDs[id] = record.line
            rows.append((record.line, id, values))
        }
        try file.checkHasRows()

        // Each field's type, from every value it has.
        var types: [FieldType] = []
        var warnings: [Diagnostic] = []
        for (i, item) in m.items.enumerated() {
            if i == idItem || item.target == "created" { types.append(item.target == "created" ? .date : .text); continue }
            let (type, odd) = Self.type(of: rows.map { ($0.line, $0.values[i]) }, conversion)
            types.append(type)
            if let odd { warnings.append(textWarning(item, odd.type, odd.cells, file: file, range: fileExpr.range)) }
        }
        var leads: [Lead] = []
        leads.reserveCapacity(rows.count)
        for row in rows {
            var day = today
            var fields: [DomainEvent.FieldValue] = []
            var problems: [RowProblem] = []
            for (i, item) in m.items.enumerated() where i != idItem {
                do throws(RowProblem) {
                    let v = try conversion.convert(row.values[i], to: types[i], label: item.label)
                    if item.target == "created" {
                        if case .date(let d) = v { day = d }
                    } else if !v.isNull {
                        fields.append(.init(item.target, v))
                    }
                } catch { problems.append(error) }
            }
            if !problems.isEmpty { failed.append((row.line, problems)); continue }
            leads.append(Lead(id: row.id, day: day, fields: fields))
        }
        var errors = ImportErrors(fileName: file.name)
        for f in failed.sorted(by: { $0.line < $1.line }) { errors.add(line: f.line, f.problems) }
        return Outcome(leads: leads, errors: errors, skippedByFilter: m.skippedByFilter, warnings: warnings)
    }

    /// I022: a field a few cells turned into text, naming them.
    func textWarning(_ item: RecordMapping.Item, _ type: FieldType, _ cells: [(line: Int, text: String)],
                     file: ImportFile, range: SourceRange) -> Diagnostic {
        let one = cells.count == 1
        let count: String = one ? "1 cell that is" : "\(cells.count) cells that are"
        let article: String = FieldConversion.article(type)
        var notes: [String] = []
        for c in cells { notes.append("\(file.name):\(c.line): \(item.label): " + FieldConversion.quote(c.text)) }
        let help: String = "correct " + (one ? "that cell" : "those cells") + " to keep \(item.target) " + article
        return Diagnostic(.runtime, "I022", "\(item.target) is kept as text because of \(count) not \(article)",
                          file: script, range: range, notes: notes, help: help, severity: .warning)
    }

    /// The type a field's values hold, and, when a few cells alone make it text, the type the
    /// others share and those cells.
    static func type(of values: [(line: Int, value: Value)], _ conversion: FieldConversion)
        -> (FieldType, (type: FieldType, cells: [(line: Int, text: String)])?) {
        var best: (type: FieldType, misfits: [(line: Int, text: String)])?
        var filled = 0
        for type in [FieldType.date, .number, .bool] {
            var misfits: [(line: Int, text: String)] = []
            filled = 0
            for (line, v) in values where !v.isNull {
                filled += 1
                if !fits(v, type, conversion) {
                    misfits.append((line, ValueFormatter.machine(v)))
                    if misfits.count > fewCells { break }
                }
            }
            if filled == 0 { return (.text, nil) }
            if misfits.isEmpty { return (type, nil) }
            if misfits.count <= fewCells, misfits.count * 2 < filled, best.map({ misfits.count < $0.misfits.count }) ?? true {
                best = (type, misfits)
            }
        }
        return (.text, best.map { ($0.type, $0.misfits) })
    }

    static func fits(_ v: Value, _ type: FieldType, _ conversion: FieldConversion) -> Bool {
        switch (v, type) {
        case (.number, .number), (.date, .date), (.bool, .bool): return true
        case (.text(let s), _):
            let t = s.trimmingSpaces()
            if type == .number {
                let u = Array(t.utf8)
                if u.count > 1, u[0] == UInt8(ascii: "0"), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[1]) { return false }
            }
            return (try? conversion.convert(v, to: type, label: "")) != nil
        default: return false
        }
    }
}
