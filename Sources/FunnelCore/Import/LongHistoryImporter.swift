/// `import history from FILE (deal = ..., at = ..., field = ..., old = ..., new = ...)
/// [fields ("Amount" = amount, ...)]`: a field history in the long shape, one row per change
/// of one field, as Salesforce's OpportunityFieldHistory exports it (OpportunityId,
/// CreatedDate, Field, OldValue, NewValue), in any row order (docs/import.md).
///
/// - A row's field is the funnel field its `field` cell names: a `fields ( ... )` entry, else a
///   field's own name (`stage` for the stage), else that name in another letter case. A row of
///   any other field is left out, and the summary names those fields.
/// - Each deal's rows are sorted by date, then time of day, then file order, as the wide
///   shape's are.
/// - Stage rows replace the deal's stage history, as the wide shape does: the first row's
///   `old` stage is the one the deal was created in (on its created day, or the row's if
///   that is earlier), then each row's `new` stage from its date. A deal without stage rows
///   keeps its stage history.
/// - Field rows are changes from their date: the first change of a field has the value its
///   `old` gives as the value the deal was created with, so `as of` a day before it sees that
///   value (without `old`, the value the deal had when the file was imported). A row whose
///   new value is empty records nothing: the batch keeps values, not their absence.
struct LongHistoryImporter: Importer {
    let context: ImportContext

    struct Outcome {
        var history: HistoryImporter.Outcome
        var fieldChanges: Int
        /// The field names the file gives that no funnel field matches, with their row counts.
        var leftOut: [(String, Int)]
    }

    /// One row of the file, read.
    struct Change: OrderedChange {
        var row: Int
        var day: Int32
        var time: Int
        var order: Int
        /// The funnel field (index into `targets`).
        var target: Int
        var old: Value
        var new: Value
    }

    /// The funnel fields the rows name, in the order first seen.
    struct Targets {
        var names: [String] = []
        var types: [FieldType] = []
        var index: [String: Int] = [:]

        mutating func add(_ name: String, _ type: FieldType) -> Int {
            if let i = index[name] { return i }
            names.append(name)
            types.append(type)
            index[name] = names.count - 1
            return names.count - 1
        }
    }

    func run(file fileExpr: Expr, mapping: [MappingItem]) throws -> Outcome {
        let file = try context.open(.history, fileExpr, mapping: mapping)
        let m = try context.mapping(mapping, file: file)
        guard let dealItem = m.index(of: "deal"), let atItem = m.index(of: "at"), let fieldItem = m.index(of: "field"),
              let newItem = m.index(of: "new") else {
            throw Diagnostic(.name, "I017", "import history in the long shape needs deal, at, field and new = COLUMN", file: script,
                             range: fileExpr.range)
        }
        let oldItem = m.index(of: "old")
        let resolve = fieldResolver()
        var targets = Targets()
        var stageValues: [String: StageValues] = [:]
        var errors = ImportErrors(fileName: file.name)
        var changes: [Change] = []
        var leftOut: [String: Int] = [:]
        var leftOutOrder: [String] = []

        while let record = try file.next() {
            m.load(record)
            do throws(RowProblem) { if try !m.keeps() { continue } } catch { errors.add(line: record.line, [error]); continue }
            var problems: [RowProblem] = []
            if let extra = file.extraFields(record.count) { problems.append(extra) }
            // The field first: a row of a field funnel does not record is left out whole.
            let named: String
            do throws(RowProblem) {
                guard let f = try m.trimmedText(fieldItem) else { throw RowProblem(m.items[fieldItem].label, "the field is empty") }
                named = f
            } catch {
                errors.add(line: record.line, problems + [error])
                continue
            }
            guard let target = resolve(named) else {
                if leftOut[named] == nil { leftOutOrder.append(named) }
                leftOut[named, default: 0] += 1
                continue
            }
            let type: FieldType = target == "stage" ? .text : state.catalog.fields[target]?.type ?? DealImporter.builtinType(target)
            var change = Change(row: -1, day: Empty.date, time: -1, order: changes.count, target: targets.add(target, type),
                                old: .null, new: .null)
            var funnel: FunnelDef?
            do throws(RowProblem) {
                guard let id = try m.trimmedText(dealItem) else { throw RowProblem(m.items[dealItem].label, "the deal id is empty") }
                guard let r = state.row(of: id) else { throw RowProblem(m.items[dealItem].label, "no deal \(FieldConversion.quote(id))") }
                guard let f = state.funnel(ofRow: r) else {
                    throw RowProblem(m.items[dealItem].label, "deal \(FieldConversion.quote(id)) is in funnel \(state.funnelName(ofRow: r)), which no longer exists")
                }
                change.row = r
                funnel = f
            } catch { problems.append(error) }
            do throws(RowProblem) {
                guard let d = try conversion.date(try m.value(atItem), label: m.items[atItem].label) else {
                    throw RowProblem(m.items[atItem].label, "the date is empty")
                }
                change.day = d
                change.time = HistoryImporter.timeOfDay(try m.value(atItem))
            } catch { problems.append(error) }
            for (item, isNew) in [(newItem, true), (oldItem, false)] {
                guard let item else { continue }
                do throws(RowProblem) {
                    let v: Value
                    if target == "stage" {
                        v = try stage(m, item, funnel: funnel, values: &stageValues, named: named)
                    } else {
                        v = try value(m, item, type: type, target: target, named: named)
                    }
                    if isNew { change.new = v } else { change.old = v }
                } catch { problems.append(error) }
            }
            if target == "stage", change.new.isNull, problems.isEmpty {
                problems.append(RowProblem("\(m.items[newItem].label) (\(named))", "the stage is empty"))
            }
            if !problems.isEmpty {
                errors.add(line: record.line, problems)
                continue
            }
            changes.append(change)
        }
        try file.checkHasRows()

        changes.sortInApplyOrder()
        let (batch, stageChanges, fieldChanges) = build(changes, targets: targets)
        let history = HistoryImporter.Outcome(batch: batch, changes: stageChanges, errors: errors,
                                              skippedByFilter: m.skippedByFilter)
        return Outcome(history: history, fieldChanges: fieldChanges, leftOut: leftOutOrder.map { ($0, leftOut[$0] ?? 0) })
    }

    /// The batch: per deal, its stage changes as entries and its field changes as change
    /// rows (one field given per row), each field's first change preceded by the value its
    /// `old` gives, dated the deal's creation.
    func build(_ changes: [Change], targets: Targets) -> (DealBatch, Int, Int) {
        let strings = ByteInterner()
        var batch = DealBatch(funnel: "", replacesHistory: true, strings: [], ids: [], created: [], closed: [], fields: [])
        let stageTarget = targets.index["stage"]
        let fieldTargets = targets.names.indices.filter { $0 != stageTarget }
        var builders = fieldTargets.map { ColumnBuilder(type: targets.types[$0]) }
        let column = Dictionary(uniqueKeysWithValues: fieldTargets.enumerated().map { ($1, $0) })
        var stageCount = 0, fieldCount = 0
        func addChangeRow(_ row: Int, day: Int32, target: Int, value: Value) {
            batch.changeRow.append(Int32(row))
            batch.changeDay.append(day)
            for (c, t) in fieldTargets.enumerated() { builders[c].append(t == target ? value : .null, strings: strings) }
        }
        var k = 0
        while k < changes.count {
            let r = changes[k].row
            let row = batch.ids.count
            batch.ids.append(state.deals.ids[r])
            batch.created.append(Empty.date)
            batch.closed.append(Empty.date)
            let created = state.deals.created[r]
            var previous: String?
            var seen = Set<Int>()
            while k < changes.count, changes[k].row == r {
                let c = changes[k]
                k += 1
                if c.target == stageTarget {
                    guard case .text(let to) = c.new else { continue }
                    if previous == nil, case .text(let from) = c.old, from != to {
                        batch.addEntry(row: row, day: min(created, c.day), from: -1, to: strings.code(from), forced: -1)
                        previous = from
                        stageCount += 1
                    }
                    if to == previous { continue }
                    batch.addEntry(row: row, day: c.day, from: previous.map { strings.code($0) } ?? -1, to: strings.code(to), forced: -1)
                    previous = to
                    stageCount += 1
                    continue
                }
                guard column[c.target] != nil, !c.new.isNull else { continue }
                if seen.insert(c.target).inserted, !c.old.isNull {
                    addChangeRow(row, day: min(created, c.day), target: c.target, value: c.old)
                }
                addChangeRow(row, day: c.day, target: c.target, value: c.new)
                fieldCount += 1
            }
        }
        batch.changeFields = zip(fieldTargets, builders).map { BatchField(name: targets.names[$0.0], column: $0.1.column) }
        batch.strings = strings.strings
        return (batch, stageCount, fieldCount)
    }

    /// The funnel field a file's field name is: a `fields ( ... )` entry, a field's own name
    /// (`stage`, a built-in a change sets, a declared field), that name in another letter case.
    func fieldResolver() -> (String) -> String? {
        var exact: [String: String] = [:]
        var folded: [String: String] = [:]
        let own = ["stage"] + ImportChecks.historyBuiltins.sorted() + state.catalog.fieldOrder
        for name in own where name == "stage" || ImportChecks.isHistoryField(name, state.catalog) {
            exact[name] = name
            if folded[name.lowercased()] == nil { folded[name.lowercased()] = name }
        }
        for (from, to) in options.fieldMap { exact[from] = to.text }
        return { exact[$0] ?? folded[$0.lowercased()] }
    }

    /// A stage cell as the deal's funnel names the stage; empty for an empty cell.
    func stage(_ m: RecordMapping, _ item: Int, funnel: FunnelDef?, values: inout [String: StageValues],
               named: String) throws(RowProblem) -> Value {
        guard let text = try m.trimmedText(item) else { return .null }
        guard let f = funnel else { return .null }
        let known = values[f.name] ?? StageValues(funnel: f, map: options.stageMap)
        values[f.name] = known
        guard let i = known.stage(text) else {
            throw RowProblem("\(m.items[item].label) (\(named))", "unknown stage \(FieldConversion.quote(text)) in funnel \(f.name)")
        }
        return .text(f.stages[i].name)
    }

    /// A value cell converted to the field's type; the message names the file's field.
    func value(_ m: RecordMapping, _ item: Int, type: FieldType, target: String, named: String) throws(RowProblem) -> Value {
        do throws(RowProblem) {
            let v = try m.value(item, as: type, conversion)
            return try HistoryImporter.checkedCategory(v, field: target, label: m.items[item].label)
        } catch {
            throw RowProblem("\(error.label) (\(named))", error.reason)
        }
    }
}
