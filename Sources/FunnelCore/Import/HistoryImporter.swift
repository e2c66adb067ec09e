/// `import history from FILE (deal = ..., stage = ..., at = ... [, forced = ...])`: a log of
/// stage changes, as Salesforce's OpportunityHistory exports it, in any row order. Each deal's
/// rows are sorted by date (same date: file order) and replace the deal's stage history; the
/// last one is its current stage. A row that repeats the stage before it (OpportunityHistory
/// logs amount and date changes too) is no stage change and is dropped.
struct HistoryImporter: Importer {
    let context: ImportContext

    struct Outcome: ImportOutcome {
        var batch: DealBatch
        var changes: Int
        var errors: ImportErrors
        var skippedByFilter: Int
    }

    struct Change: OrderedChange {
        var row: Int
        var stage: String
        var day: Int32
        /// Seconds into the day when `at` gives a time of day, -1 otherwise.
        var time: Int
        var forced: String?
        var order: Int
        /// One value per mapped field; empty when the row does not give it.
        var values: [Value] = []
    }

    /// The time of day an `at` cell gives after its date (`2026-03-14T10:05:00Z`,
    /// `2026-03-14 10:05`), as written (a zone offset is not applied); -1 without one.
    static func timeOfDay(_ v: Value) -> Int {
        guard case .text(let t) = v else { return -1 }
        let u = Array(t.utf8)
        guard u.count >= 16, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " ") else { return -1 }
        func num(_ a: Int, _ b: Int) -> Int? {
            guard b <= u.count else { return nil }
            var n = 0
            for k in a..<b { guard u[k] >= 48, u[k] <= 57 else { return nil }; n = n * 10 + Int(u[k] - 48) }
            return n
        }
        guard let h = num(11, 13), u[13] == UInt8(ascii: ":"), let m = num(14, 16) else { return -1 }
        let sec = u.count >= 19 && u[16] == UInt8(ascii: ":") ? num(17, 19) ?? 0 : 0
        return h * 3600 + m * 60 + sec
    }

    /// A forecast category as CRMs write it (`Best Case` is best_case), which must be one of
    /// the three; any other field's value as it is.
    static func checkedCategory(_ v: Value, field: String, label: String) throws(RowProblem) -> Value {
        guard field == "category", let t = v.text else { return v }
        let c = t.lowercased().split(separator: " ").joined(separator: "_")
        guard StageCategory(rawValue: c) != nil else {
            throw RowProblem(label, "\(FieldConversion.quote(t)) is not a forecast category: pipeline, best_case or commit")
        }
        return .text(c)
    }

    func run(file fileExpr: Expr, mapping: [MappingItem]) throws -> Outcome {
        let file = try context.open(.history, fileExpr, mapping: mapping)
        let m = try context.mapping(mapping, file: file)
        guard let dealItem = m.index(of: "deal"), let stageItem = m.index(of: "stage"), let atItem = m.index(of: "at") else {
            throw Diagnostic(.name, "I017", "import history needs deal = COLUMN, stage = COLUMN and at = COLUMN", file: script, range: fileExpr.range)
        }
        let forcedItem = m.index(of: "forced")
        let fieldItems: [(index: Int, name: String, type: FieldType)] = m.items.indices.compactMap { i in
            let name = m.items[i].target
            guard !ImportChecks.historyTargets.contains(name) else { return nil }
            return (i, name, state.catalog.fields[name]?.type ?? DealImporter.builtinType(name))
        }
        var stageValues: [String: StageValues] = [:]
        var errors = ImportErrors(fileName: file.name)
        var changes: [Change] = []

        while let record = try file.next() {
            m.load(record)
            do throws(RowProblem) { if try !m.keeps() { continue } } catch { errors.add(line: record.line, [error]); continue }
            var problems: [RowProblem] = []
            if let extra = file.extraFields(record.count) { problems.append(extra) }
            var change = Change(row: -1, stage: "", day: Empty.date, time: -1, forced: nil, order: changes.count)
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
                guard let value = try m.trimmedText(stageItem) else { throw RowProblem(m.items[stageItem].label, "the stage is empty") }
                if let f = funnel {
                    let values = stageValues[f.name] ?? StageValues(funnel: f, map: options.stageMap)
                    stageValues[f.name] = values
                    guard let i = values.stage(value) else {
                        throw RowProblem(m.items[stageItem].label, "unknown stage \(FieldConversion.quote(value)) in funnel \(f.name)")
                    }
                    change.stage = f.stages[i].name
                }
            } catch { problems.append(error) }
            do throws(RowProblem) {
                guard let d = try conversion.date(try m.value(atItem), label: m.items[atItem].label) else {
                    throw RowProblem(m.items[atItem].label, "the date is empty")
                }
                change.day = d
                change.time = Self.timeOfDay(try m.value(atItem))
            } catch { problems.append(error) }
            for f in fieldItems {
                do throws(RowProblem) {
                    change.values.append(try Self.checkedCategory(try m.value(f.index, as: f.type, conversion), field: f.name,
                                                                  label: m.items[f.index].label))
                } catch {
                    problems.append(error)
                    change.values.append(.null)
                }
            }
            if let fi = forcedItem {
                do throws(RowProblem) { change.forced = try m.trimmedText(fi) } catch { problems.append(error) }
            }
            if !problems.isEmpty {
                errors.add(line: record.line, problems)
                continue
            }
            changes.append(change)
        }
        try file.checkHasRows()

        changes.sortInApplyOrder()
        let strings = ByteInterner()
        var batch = DealBatch(funnel: "", replacesHistory: true, strings: [], ids: [], created: [], closed: [], fields: [])
        var count = 0
        var builders = fieldItems.map { ColumnBuilder(type: $0.type) }
        var k = 0
        while k < changes.count {
            let r = changes[k].row
            let row = batch.ids.count
            batch.ids.append(state.deals.ids[r])
            batch.created.append(Empty.date)
            batch.closed.append(Empty.date)
            var previous: Int32 = -1
            var previousName: String?
            while k < changes.count, changes[k].row == r {
                let c = changes[k]
                k += 1
                if !fieldItems.isEmpty, c.values.contains(where: { !$0.isNull }) {
                    batch.changeRow.append(Int32(row))
                    batch.changeDay.append(c.day)
                    for f in builders.indices { builders[f].append(c.values[f], strings: strings) }
                }
                if c.stage == previousName { continue }
                let to = strings.code(c.stage)
                batch.addEntry(row: row, day: c.day, from: previous, to: to, forced: c.forced.map { strings.code($0) } ?? -1)
                previous = to
                previousName = c.stage
                count += 1
            }
        }
        batch.changeFields = zip(fieldItems, builders).map { BatchField(name: $0.0.name, column: $0.1.column) }
        batch.strings = strings.strings
        return Outcome(batch: batch, changes: count, errors: errors, skippedByFilter: m.skippedByFilter)
    }
}
