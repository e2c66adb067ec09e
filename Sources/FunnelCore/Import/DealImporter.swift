/// `import deals from FILE into FUNNEL ( mapping )`: reads the file once, row by row, and
/// builds a `DealBatch` of the rows that can be imported. New ids become deals; known ids
/// are updated, and a changed stage is appended to their history, so yesterday's export and
/// today's can both be imported. The state is only read here; nothing changes until the
/// batch is applied.
struct DealImporter: Importer {
    let context: ImportContext
    let funnel: FunnelDef

    struct Outcome: ImportOutcome {
        var batch: DealBatch
        var created = 0
        var updated = 0
        var errors: ImportErrors
        var skippedByFilter = 0
    }

    /// A mapped field and the column it fills.
    struct FieldPlan {
        var item: Int
        var name: String
        var type: FieldType
        var oneOf: Set<String>?
        var required: Bool
        var builder: ColumnBuilder
        let codes = ColumnCodes()
    }

    func run(file fileExpr: Expr, mapping: [MappingItem]) throws -> Outcome {
        let file = try context.open(.deals(funnel: Identifier(funnel.name, fileExpr.range)), fileExpr, mapping: mapping)
        let m = try context.mapping(mapping, file: file)
        // Read through the importer's `state`, the state would be copied for every lookup.
        let state = self.state
        let strings = ByteInterner()
        let stageCodes = funnel.stages.map { strings.code($0.name) }
        let stageOfValue = stageValues()

        var idItem = -1, stageItem: Int?, createdItem: Int?, closedItem: Int?
        var entered: [(item: Int, stage: Int)] = []
        var plans: [FieldPlan] = []
        for (i, item) in m.items.enumerated() {
            if let st = item.enteredStage {
                if let idx = funnel.index(of: st) { entered.append((i, idx)) }
                continue
            }
            switch item.target {
            case "id": idItem = i
            case "stage": stageItem = i
            case "created": createdItem = i
            case "closed": closedItem = i
            default:
                let declared = state.catalog.fields[item.target]
                let type = declared?.type ?? Self.builtinType(item.target)
                let oneOf = (declared?.oneOf ?? BuiltinFields.oneOf(item.target)).map { Set($0.compactMap(\.text)) }
                plans.append(FieldPlan(item: i, name: item.target, type: type, oneOf: oneOf, required: declared?.required ?? false,
                                       builder: ColumnBuilder(type: type)))
            }
        }
        guard idItem >= 0 else {
            throw Diagnostic(.name, "I017", "import deals needs the deal's id: id = COLUMN", file: script, range: fileExpr.range)
        }

        var errors = ImportErrors(fileName: file.name)
        var ids: [String] = []
        // Id to the order it was first seen in: finds repeated ids, and when every row is
        // imported into an empty store it is the store's index of ids as it stands.
        var idOrdinal: [String: Int32] = [:]
        var firstLine: [Int32] = []
        var stageCache: [Int] = []
        let stageBytes = ByteInterner()
        var createdColumn: [Int32] = [], closedColumn: [Int32] = []
        var entryRow: [Int32] = [], entryDay: [Int32] = [], entryFrom: [Int32] = [], entryTo: [Int32] = []
        var stops: [ImportHistoryRules.Stop] = []
        var dates = ImportHistoryRules.Dates()
        var created = 0, updated = 0
        let hasDeals = state.deals.count > 0
        let firstStage = funnel.firstOpenStage.flatMap { funnel.index(of: $0.name) } ?? 0
        let idLabel = m.items[idItem].label

        while let record = try file.next() {
            if file.records == ImportFile.sampleRecords {
                // The id index is the store's once the batch is applied: sized to the file.
                idOrdinal.reserveCapacity(file.projectedRows)
                ids.reserveCapacity(file.projectedRows)
            }
            m.load(record)
            do throws(RowProblem) { if try !m.keeps() { continue } } catch { errors.add(line: record.line, [error]); continue }
            var problems: [RowProblem] = []
            if let extra = file.extraFields(record.count) { problems.append(extra) }

            // The id, unique within the file.
            var id: String?
            var existing: Int?
            do throws(RowProblem) {
                if let b = try m.checkedBytes(idItem) {
                    let t = b.trimmingBlanks()
                    if !t.isEmpty { id = String(decoding: t, as: UTF8.self) }
                } else {
                    id = try m.trimmedText(idItem)
                }
                guard let text = id else { throw RowProblem(idLabel, "the id is empty") }
                if let first = idOrdinal.updateValue(Int32(firstLine.count), forKey: text) {
                    idOrdinal[text] = first
                    id = nil
                    throw RowProblem(idLabel, "\(FieldConversion.quote(text)) is also on line \(firstLine[Int(first)])")
                }
                firstLine.append(Int32(truncatingIfNeeded: record.line))
                if hasDeals { existing = state.row(of: text) }
            } catch { problems.append(error) }

            // The stage, by name or through `stages (...)`; a plain column's values are
            // looked up once each.
            var stage: Int?
            if let si = stageItem {
                do throws(RowProblem) {
                    var known = false
                    if let b = try m.checkedBytes(si) {
                        let t = b.trimmingBlanks()
                        if !t.isEmpty {
                            let code = Int(stageBytes.code(t))
                            if code == stageCache.count { stageCache.append(stageOfValue.stage(stageBytes.strings[code]) ?? -1) }
                            if stageCache[code] >= 0 { stage = stageCache[code] }
                            known = true
                            if stage == nil {
                                problems.append(RowProblem(m.items[si].label, "unknown stage \(FieldConversion.quote(stageBytes.strings[code])) in funnel \(funnel.name)"))
                            }
                        }
                    } else if let value = try m.trimmedText(si) {
                        known = true
                        stage = stageOfValue.stage(value)
                        if stage == nil {
                            problems.append(RowProblem(m.items[si].label, "unknown stage \(FieldConversion.quote(value)) in funnel \(funnel.name)"))
                        }
                    }
                    if !known { problems.append(RowProblem(m.items[si].label, "the stage is empty")) }
                } catch { problems.append(error) }
            }

            // Dates.
            // removeLast keeps the buffer and, unlike removeAll, costs nothing for a few items.
            while !dates.entered.isEmpty { dates.entered.removeLast() }
            dates.created = nil
            dates.closed = nil
            func date(_ i: Int) -> Int32? {
                do throws(RowProblem) {
                    if let b = try m.checkedBytes(i) {
                        return FieldConversion.isBlank(b) ? nil : try conversion.date(bytes: b, label: m.items[i].label)
                    }
                    return try conversion.date(try m.value(i), label: m.items[i].label)
                } catch { problems.append(error); return nil }
            }
            if let ci = createdItem { dates.created = date(ci); dates.createdLabel = m.items[ci].label }
            if let ci = closedItem { dates.closed = date(ci); dates.closedLabel = m.items[ci].label; dates.closedMapped = true }
            for (i, idx) in entered {
                if let d = date(i) { dates.entered.append(.init(stage: idx, day: d, label: m.items[i].label)) }
            }

            // Fields, straight into their columns.
            for p in plans.indices {
                let item = plans[p].item
                do throws(RowProblem) {
                    if plans[p].type == .text, plans[p].oneOf == nil, let b = try m.checkedBytes(item) {
                        plans[p].builder.appendText(FieldConversion.isBlank(b) ? -1 : plans[p].codes.code(b, in: strings))
                        if plans[p].required, existing == nil, FieldConversion.isBlank(b) {
                            problems.append(RowProblem(m.items[item].label, "\(plans[p].name) is required and the cell is empty"))
                        }
                        continue
                    }
                    var v = try m.value(item, as: plans[p].type, conversion)
                    let written = v.text
                    // CRMs write categories as labels: "Best Case" is best_case.
                    if plans[p].name == "category", let t = v.text {
                        v = .text(String(t.lowercased().split(separator: " ").joined(separator: "_")))
                    }
                    if let allowed = plans[p].oneOf, let t = v.text, !allowed.contains(t) {
                        throw RowProblem(m.items[item].label, "\(FieldConversion.quote(written ?? t)) is not one of " + allowed.sorted().map { FieldConversion.quote($0) }.joined(separator: ", "))
                    }
                    if plans[p].required, existing == nil, v.isNull {
                        throw RowProblem(m.items[item].label, "\(plans[p].name) is required and the cell is empty")
                    }
                    plans[p].builder.append(v, strings: strings)
                } catch {
                    problems.append(error)
                    plans[p].builder.append(.null, strings: strings)
                }
            }

            // The stage history this row implies.
            var from: Int32 = -1
            var createdDay = Empty.date, closedDay = Empty.date
            if problems.isEmpty {
                do throws(RowProblem) {
                    if let r = existing {
                        if state.funnelName(ofRow: r) != funnel.name {
                            throw RowProblem(idLabel, "deal \(FieldConversion.quote(state.deals.ids[r])) is in funnel \(state.funnelName(ofRow: r)), not \(funnel.name)")
                        }
                        if let c = stage {
                            let currentName = state.stageName(ofRow: r)
                            try ImportHistoryRules.update(from: funnel.index(of: currentName), lastChange: state.deals.stageEntered[r],
                                                          to: c, funnel: funnel, dates: dates,
                                                          stageLabel: stageItem.map { m.items[$0].label } ?? "stage", today: today, into: &stops)
                            from = strings.code(currentName)
                            if funnel.stages[c].kind != .open {
                                closedDay = dates.closedMapped && dates.closed == nil ? DealBatch.noClosedDate
                                    : dates.closed ?? stops.last?.day ?? Empty.date
                            }
                        } else if let closed = dates.closed {
                            closedDay = closed
                        }
                        if let c = dates.created { createdDay = c }
                    } else {
                        let plan = try ImportHistoryRules.newDeal(stage: stage ?? firstStage, funnel: funnel, dates: dates, today: today, into: &stops)
                        createdDay = plan.created
                        let closes = funnel.stages[stage ?? firstStage].kind != .open
                        closedDay = plan.closed ?? (closes ? DealBatch.noClosedDate : Empty.date)
                    }
                } catch {
                    problems.append(error.label == dates.closedLabel && dates.closedMapped
                                    ? withAlternatives(error, record: record, file: file, dates: dates) : error)
                }
            }

            if !problems.isEmpty {
                errors.add(line: record.line, problems)
                for p in plans.indices { plans[p].builder.truncate(to: ids.count) }
                continue
            }
            let row = Int32(ids.count)
            ids.append(id ?? "")
            createdColumn.append(createdDay)
            closedColumn.append(closedDay)
            for stop in stops {
                let to = stageCodes[stop.stage]
                entryRow.append(row); entryDay.append(stop.day); entryFrom.append(from); entryTo.append(to)
                from = to
            }
            if existing == nil { created += 1 } else { updated += 1 }
        }
        try file.checkHasRows()

        var batch = DealBatch(funnel: funnel.name, replacesHistory: false, strings: strings.strings, ids: ids, created: createdColumn,
                              closed: closedColumn, fields: plans.map { BatchField(name: $0.name, column: $0.builder.column) })
        batch.entryRow = entryRow
        batch.entryDay = entryDay
        batch.entryFrom = entryFrom
        batch.entryTo = entryTo
        batch.entryForced = [Int32](repeating: -1, count: entryRow.count)
        if !hasDeals, errors.isEmpty, idOrdinal.count == ids.count { batch.idIndex = idOrdinal }
        return Outcome(batch: batch, created: created, updated: updated, errors: errors,
                       skippedByFilter: m.skippedByFilter)
    }

    /// A closed date before created, with the row's other date columns that would do.
    func withAlternatives(_ p: RowProblem, record: CSVRecord, file: ImportFile, dates: ImportHistoryRules.Dates) -> RowProblem {
        guard p.reason.hasPrefix("closed "), let created = dates.created else { return p }
        var columns: [String] = []
        for (i, name) in file.header.enumerated() where name != p.label && name != dates.createdLabel {
            let b = record.bytes(i)
            if !FieldConversion.isBlank(b), let d = try? conversion.date(bytes: b, label: ""), d >= created {
                columns.append(name.contains(" ") ? "closed = \"\(name)\"" : "closed = \(name)")
            }
        }
        let suggestion = columns.isEmpty ? "leave the cell empty for no closed date, or map closed to another column"
            : "a later date of this row: " + columns.prefix(3).joined(separator: ", ")
        return RowProblem(p.label, p.reason + "; " + suggestion)
    }

    /// File values to stage indexes: `stages ("Closed Won" = Won)` first, then the funnel's
    /// own stage names, then the names in any letter case, since exports vary there.
    func stageValues() -> StageValues { StageValues(funnel: funnel, map: options.stageMap) }

    static func builtinType(_ name: String) -> FieldType {
        switch BuiltinFields.type(of: name) {
        case .money?: return .money
        case .percent?: return .percent
        case .date?: return .date
        case .number?: return .number
        case .bool?: return .bool
        default: return .text
        }
    }
}

/// File values to stage indexes: `stages ("Closed Won" = Won)` first, then the funnel's own
/// stage names, then those names in any letter case, since exports vary there.
struct StageValues {
    var exact: [String: Int] = [:]
    var folded: [String: Int] = [:]

    init(funnel: FunnelDef, map: [(String, Identifier)]) {
        for (i, s) in funnel.stages.enumerated() {
            exact[s.name] = i
            if folded[s.name.lowercased()] == nil { folded[s.name.lowercased()] = i }
        }
        for (value, stage) in map {
            if let i = funnel.index(of: stage.text) { exact[value] = i }
        }
    }

    func stage(_ value: String) -> Int? { exact[value] ?? folded[value.lowercased()] }
}

/// One imported field's values, typed as the field is, row by row.
struct ColumnBuilder {
    let type: FieldType
    var texts: [Int32] = []
    var numbers: [Double] = []
    var cents: [Int64] = []
    var dates: [Int32] = []
    var bools: [UInt8] = []

    init(type: FieldType) { self.type = type }

    var count: Int {
        switch type {
        case .text: return texts.count
        case .number, .percent: return numbers.count
        case .money: return cents.count
        case .date: return dates.count
        case .bool: return bools.count
        }
    }

    mutating func appendText(_ code: Int32) { texts.append(code) }

    /// `v` was converted to `type` already; anything else is stored as empty.
    mutating func append(_ v: Value, strings: ByteInterner) {
        switch type {
        case .text: texts.append(v.text.map { strings.code($0) } ?? -1)
        case .number, .percent: numbers.append(v.number ?? Empty.number)
        case .money: cents.append(v.money?.storableCents ?? Empty.money)
        case .date: dates.append(v.date ?? Empty.date)
        case .bool: bools.append(v.bool.map { $0 ? 1 : 0 } ?? 2)
        }
    }

    mutating func truncate(to n: Int) {
        if texts.count > n { texts.removeLast(texts.count - n) }
        if numbers.count > n { numbers.removeLast(numbers.count - n) }
        if cents.count > n { cents.removeLast(cents.count - n) }
        if dates.count > n { dates.removeLast(dates.count - n) }
        if bools.count > n { bools.removeLast(bools.count - n) }
    }

    var column: BatchColumn {
        switch type {
        case .text: return .text(texts)
        case .number, .percent: return .number(numbers)
        case .money: return .money(cents)
        case .date: return .date(dates)
        case .bool: return .bool(bools)
        }
    }
}
