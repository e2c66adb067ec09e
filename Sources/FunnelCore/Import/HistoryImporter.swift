#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// One row of the file, read: 32 bytes, since a file holds millions of them. The stage
    /// and the forced reason are indexes into what the run collects (`stageNames`,
    /// `forcedReasons`); a row's field values, when the mapping has fields, are `values[order]`.
    struct Change: OrderedChange {
        var deal: Int32
        var day: Int32
        var seconds: Int32
        var stage: Int32
        var forced: Int32
        var order: Int
        var row: Int { Int(deal) }
        /// Seconds into the day when `at` gives a time of day, -1 otherwise.
        var time: Int { Int(seconds) }
    }

    /// What the run knows of one funnel its rows' deals are in: its stage values, and the
    /// stage cells seen so far by their bytes, each looked up once.
    final class FunnelStages {
        let funnel: FunnelDef
        let values: StageValues
        let cells = ByteInterner()
        /// Per cell code: the stage's index in the funnel, -1 for none.
        var stageOfCell: [Int] = []
        /// Per stage index: its index in the run's `stageNames`, -1 until a row names it.
        var key: [Int32]

        init(_ funnel: FunnelDef, map: [(String, Identifier)]) {
            self.funnel = funnel
            values = StageValues(funnel: funnel, map: map)
            key = [Int32](repeating: -1, count: funnel.stages.count)
        }

        func stage(ofCell b: UnsafeBufferPointer<UInt8>) -> (stage: Int?, cell: Int) {
            let c = Int(cells.code(b))
            if c == stageOfCell.count { stageOfCell.append(values.stage(cells.strings[c]) ?? -1) }
            return (stageOfCell[c] < 0 ? nil : stageOfCell[c], c)
        }
    }

    /// A deal id's row and funnel, or why a row cannot name it.
    enum DealLookup {
        case deal(row: Int32, funnel: FunnelStages)
        case problem(RowProblem)
    }

    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard let p = a.baseAddress, a.count > 0 else { return true }
        return b.withUnsafeBufferPointer { memcmp(p, $0.baseAddress!, a.count) == 0 }
    }

    /// The time of day an `at` cell gives after its date (`2026-03-14T10:05:00Z`,
    /// `2026-03-14 10:05`), as written (a zone offset is not applied); -1 without one.
    static func timeOfDay(_ v: Value) -> Int {
        guard case .text(var t) = v else { return -1 }
        return t.withUTF8 { timeOfDay(bytes: $0) }
    }

    /// The same for a cell's bytes, as the file has them (not trimmed).
    static func timeOfDay(bytes u: UnsafeBufferPointer<UInt8>) -> Int {
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
        // The state is a value: read through the importer's `state` every row, it would be
        // copied (a retain and a release of every column) for every lookup.
        let state = self.state
        let fieldItems: [(index: Int, name: String, type: FieldType)] = m.items.indices.compactMap { i in
            let name = m.items[i].target
            guard !ImportChecks.historyTargets.contains(name) else { return nil }
            return (i, name, state.catalog.fields[name]?.type ?? DealImporter.builtinType(name))
        }
        let dealRows = state.deals.rowOfID
        let dealIDs = state.deals.ids
        let dealFunnels = state.deals.funnel
        var funnels: [Int32: FunnelStages] = [:]
        var stageNames: [String] = []
        var forcedReasons: [String] = []
        var fieldValues: [[Value]] = []
        var errors = ImportErrors(fileName: file.name)
        var changes: [Change] = []
        let dealLabel = m.items[dealItem].label, stageLabel = m.items[stageItem].label, atLabel = m.items[atItem].label

        // Exports list deals in the order they were created, as the deals file did: the deal
        // after the last one found is tried first, by comparing its id, before any hashing.
        var guess = 0
        func lookUp(_ id: String) -> DealLookup {
            let found: Int32?
            if guess < dealIDs.count, dealIDs[guess] == id { found = Int32(guess) } else { found = dealRows[id] }
            guard let r = found else { return .problem(RowProblem(dealLabel, "no deal \(FieldConversion.quote(id))")) }
            guess = Int(r) + 1
            let code = dealFunnels[Int(r)]
            if let f = funnels[code] { return .deal(row: r, funnel: f) }
            guard let f = state.funnel(ofRow: Int(r)) else {
                return .problem(RowProblem(dealLabel, "deal \(FieldConversion.quote(id)) is in funnel \(state.funnelName(ofRow: Int(r))), which no longer exists"))
            }
            let stages = FunnelStages(f, map: options.stageMap)
            funnels[code] = stages
            return .deal(row: r, funnel: stages)
        }
        // A file lists a deal's changes together, most often: its id is looked up once.
        var lastID: [UInt8] = []
        var lastLookup: DealLookup?

        while let record = try file.next() {
            if file.records == ImportFile.sampleRecords { changes.reserveCapacity(file.projectedRows) }
            m.load(record)
            do throws(RowProblem) { if try !m.keeps() { continue } } catch { errors.add(line: record.line, [error]); continue }
            var problems: [RowProblem] = []
            if let extra = file.extraFields(record.count) { problems.append(extra) }
            var change = Change(deal: -1, day: Empty.date, seconds: -1, stage: -1, forced: -1, order: changes.count)
            var funnel: FunnelStages?
            do throws(RowProblem) {
                let lookup: DealLookup
                if let b = try m.checkedBytes(dealItem) {
                    let t = b.trimmingBlanks()
                    if t.isEmpty { throw RowProblem(dealLabel, "the deal id is empty") }
                    if let last = lastLookup, Self.same(t, lastID) {
                        lookup = last
                    } else {
                        lookup = lookUp(String(decoding: t, as: UTF8.self))
                        lastID.removeAll(keepingCapacity: true)
                        lastID.append(contentsOf: t)
                        lastLookup = lookup
                    }
                } else {
                    guard let id = try m.trimmedText(dealItem) else { throw RowProblem(dealLabel, "the deal id is empty") }
                    lookup = lookUp(id)
                }
                switch lookup {
                case .problem(let p): throw p
                case let .deal(row, f):
                    change.deal = row
                    funnel = f
                }
            } catch { problems.append(error) }
            do throws(RowProblem) {
                var stage: Int?
                if let b = try m.checkedBytes(stageItem) {
                    let t = b.trimmingBlanks()
                    if t.isEmpty { throw RowProblem(stageLabel, "the stage is empty") }
                    if let f = funnel {
                        let (found, cell) = f.stage(ofCell: t)
                        guard let found else {
                            throw RowProblem(stageLabel, "unknown stage \(FieldConversion.quote(f.cells.strings[cell])) in funnel \(f.funnel.name)")
                        }
                        stage = found
                    }
                } else {
                    guard let value = try m.trimmedText(stageItem) else { throw RowProblem(stageLabel, "the stage is empty") }
                    if let f = funnel {
                        guard let found = f.values.stage(value) else {
                            throw RowProblem(stageLabel, "unknown stage \(FieldConversion.quote(value)) in funnel \(f.funnel.name)")
                        }
                        stage = found
                    }
                }
                if let f = funnel, let i = stage {
                    if f.key[i] < 0 {
                        f.key[i] = Int32(stageNames.count)
                        stageNames.append(f.funnel.stages[i].name)
                    }
                    change.stage = f.key[i]
                }
            } catch { problems.append(error) }
            do throws(RowProblem) {
                if let b = try m.checkedBytes(atItem) {
                    if FieldConversion.isBlank(b) { throw RowProblem(atLabel, "the date is empty") }
                    change.day = try conversion.date(bytes: b, label: atLabel)
                    change.seconds = Int32(Self.timeOfDay(bytes: b))
                } else {
                    let v = try m.value(atItem)
                    guard let d = try conversion.date(v, label: atLabel) else { throw RowProblem(atLabel, "the date is empty") }
                    change.day = d
                    change.seconds = Int32(Self.timeOfDay(v))
                }
            } catch { problems.append(error) }
            var values: [Value] = []
            for f in fieldItems {
                do throws(RowProblem) {
                    values.append(try Self.checkedCategory(try m.value(f.index, as: f.type, conversion), field: f.name,
                                                           label: m.items[f.index].label))
                } catch {
                    problems.append(error)
                    values.append(.null)
                }
            }
            if let fi = forcedItem {
                do throws(RowProblem) {
                    if let reason = try m.trimmedText(fi) {
                        change.forced = Int32(forcedReasons.count)
                        forcedReasons.append(reason)
                    }
                } catch { problems.append(error) }
            }
            if !problems.isEmpty {
                errors.add(line: record.line, problems)
                continue
            }
            if !fieldItems.isEmpty { fieldValues.append(values) }
            changes.append(change)
        }
        try file.checkHasRows()

        changes.sortInApplyOrder(rows: dealIDs.count)
        let strings = ByteInterner()
        var stageCodes = [Int32](repeating: -1, count: stageNames.count)
        var batch = DealBatch(funnel: "", replacesHistory: true, strings: [], ids: [], created: [], closed: [], fields: [])
        batch.reserveEntries(changes.count)
        var rowsInState: [Int32] = []
        var count = 0
        var builders = fieldItems.map { ColumnBuilder(type: $0.type) }
        var k = 0
        while k < changes.count {
            let r = changes[k].row
            let row = batch.ids.count
            batch.ids.append(dealIDs[r])
            rowsInState.append(Int32(r))
            batch.created.append(Empty.date)
            batch.closed.append(Empty.date)
            var previous: Int32 = -1
            var previousName: String?
            while k < changes.count, changes[k].row == r {
                let c = changes[k]
                k += 1
                if !fieldItems.isEmpty, fieldValues[c.order].contains(where: { !$0.isNull }) {
                    batch.changeRow.append(Int32(row))
                    batch.changeDay.append(c.day)
                    for f in builders.indices { builders[f].append(fieldValues[c.order][f], strings: strings) }
                }
                let name = stageNames[Int(c.stage)]
                if name == previousName { continue }
                // Texts are coded in the order first used (stage, then forced reason), as
                // the segment has always had them.
                if stageCodes[Int(c.stage)] < 0 { stageCodes[Int(c.stage)] = strings.code(name) }
                let to = stageCodes[Int(c.stage)]
                batch.addEntry(row: row, day: c.day, from: previous, to: to, forced: c.forced < 0 ? -1 : strings.code(forcedReasons[Int(c.forced)]))
                previous = to
                previousName = name
                count += 1
            }
        }
        batch.changeFields = zip(fieldItems, builders).map { BatchField(name: $0.0.name, column: $0.1.column) }
        batch.strings = strings.strings
        batch.rowsInState = rowsInState
        return Outcome(batch: batch, changes: count, errors: errors, skippedByFilter: m.skippedByFilter)
    }
}
