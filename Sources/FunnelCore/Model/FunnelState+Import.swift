/// Applying imports: a whole batch at once, column by column, so a million rows cost a few
/// passes over arrays rather than a million events.
extension FunnelState {
    public static let noSegments: @Sendable (String) throws -> [UInt8] = { name in
        throw Diagnostic(.io, "S020", "segment \(name) cannot be read: this state has no store")
    }

    /// The payload of a segment the journal names, checked against the checksum it records.
    func loadPayload(segment: String, checksum: String) throws -> ImportPayload {
        let bytes = try loadSegment(segment)
        // Every loader checks the bytes against the segment's name, which holds their checksum
        // (Store.readSegment), or hands over bytes this process just made; when the journal
        // recorded that same checksum, a second pass over the bytes would find nothing new.
        if Segment.parse(name: segment)?.checksum != checksum {
            let actual = Segment.checksum(bytes)
            guard actual == checksum else {
                throw SegmentReader.damage(segment, "its checksum is \(actual), but the journal recorded \(checksum)")
            }
        }
        return try ImportPayload.decode(bytes, name: segment)
    }

    /// Applies an import; returns the row of each of its deals (none for a table).
    @discardableResult
    public mutating func applyImport(_ payload: ImportPayload) throws -> [Int] {
        switch payload {
        case .table(let t):
            tables[t.name] = t
            catalog.tables[t.name] = t.columns
            return []
        case .deals(let b):
            return try applyDeals(b)
        }
    }

    mutating func applyDeals(_ b: DealBatch) throws -> [Int] {
        let importDay = importDay
        let codes = b.strings.map { pool.intern($0) }
        func code(_ c: Int32) -> Int32 { c < 0 ? Empty.text : codes[Int(c)] }
        let funnelCode = b.funnel.isEmpty ? Empty.text : pool.intern(b.funnel)
        let n = b.count
        var rows = [Int](repeating: 0, count: n)
        var isNew = [Bool](repeating: false, count: n)
        var newIDs: [String] = []
        let first = deals.count
        // The rows the importer found (an `import history` names existing deals only) save
        // hashing every id again; they are taken only when they are this state's rows.
        if let given = b.rowsInState, given.count == n,
           given.indices.allSatisfy({ given[$0] >= 0 && Int(given[$0]) < first && deals.ids[Int(given[$0])] == b.ids[$0] }) {
            for i in 0..<n { rows[i] = Int(given[i]) }
        } else {
            let known = first > 0 ? deals.rowOfID : [:]
            for i in 0..<n {
                if first > 0, let r = known[b.ids[i]] {
                    rows[i] = Int(r)
                    continue
                }
                guard funnelCode != Empty.text, b.created[i] != Empty.date else {
                    throw replayError("an import names deal \"\(b.ids[i])\", which does not exist")
                }
                rows[i] = first + newIDs.count
                newIDs.append(b.ids[i])
                isNew[i] = true
            }
        }
        try deals.appendRows(ids: newIDs, funnel: funnelCode, index: first == 0 && newIDs.count == n ? b.idIndex : nil)
        noteImported(b, rows: rows, isNew: isNew)
        for i in 0..<n where b.created[i] != Empty.date { deals.created[rows[i]] = b.created[i] }

        // A history replaces the stage history of the deals it gives stage changes for; a
        // deal it gives only field values keeps its own.
        if b.replacesHistory {
            var replaced = [Bool](repeating: false, count: deals.count)
            for k in 0..<b.entryCount { replaced[rows[Int(b.entryRow[k])]] = true }
            history.remove(deals: replaced, reserving: b.entryCount)
        } else {
            history.reserve(b.entryCount)
        }
        var lastEntry = [Int32](repeating: -1, count: n)
        for k in 0..<b.entryCount {
            let i = Int(b.entryRow[k])
            history.append(deal: rows[i], day: b.entryDay[k], from: code(b.entryFrom[k]), to: code(b.entryTo[k]),
                           forced: code(b.entryForced[k]), origin: origin, order: eventOrder)
            lastEntry[i] = Int32(k)
        }
        var statusOfSlot: [Int32: DealStatus] = [:]
        for i in 0..<n {
            let r = rows[i]
            let k = Int(lastEntry[i])
            if k < 0 {
                if isNew[i] { throw replayError("an import creates deal \"\(b.ids[i])\" without a stage") }
                if b.closed[i] != Empty.date, deals.status[r].isClosed {
                    deals.closed[r] = b.closed[i] == DealBatch.noClosedDate ? Empty.date : b.closed[i]
                }
                continue
            }
            let slot = slots.slot(funnel: deals.funnel[r], stage: code(b.entryTo[k]))
            let status: DealStatus
            if let s = statusOfSlot[slot] { status = s } else {
                status = statusOf(stage: pool[slots.stage[Int(slot)]], funnel: pool[slots.funnel[Int(slot)]])
                statusOfSlot[slot] = status
            }
            deals.stageSlot[r] = slot
            deals.stageEntered[r] = b.entryDay[k]
            deals.status[r] = status
            let given = b.closed[i]
            deals.closed[r] = status == .open || given == DealBatch.noClosedDate ? Empty.date : (given != Empty.date ? given : b.entryDay[k])
        }
        // An update's field changes are dated the day of the import (FieldHistory).
        let updated = (0..<n).filter { !isNew[$0] }
        let before = b.fields.map { f in updated.map { storedValue(rows[$0], f.name) } }
        for f in b.fields { applyField(f, rows: rows, codes: codes, strings: b.strings) }
        for (fi, f) in b.fields.enumerated() where !updated.isEmpty && importDay != Empty.date {
            let code = pool.intern(f.name)
            for (j, i) in updated.enumerated() {
                let r = rows[i], new = storedValue(r, f.name)
                if new != before[fi][j] {
                    fieldHistory.append(deal: r, day: importDay, field: code, old: before[fi][j], new: new, origin: origin, order: eventOrder)
                }
            }
        }
        applyFieldChanges(b, rows: rows)
        return rows
    }

    /// An imported field history: each deal's values in the order they took effect. A value
    /// dated on or before the deal's creation is the value it was created with; each later
    /// one that differs from the value before it is a change. A change already recorded (the
    /// same file imported again) is not recorded twice. The deal keeps its last value.
    mutating func applyFieldChanges(_ b: DealBatch, rows: [Int]) {
        for f in b.changeFields {
            let code = pool.intern(f.name)
            let money = isMoneyField(f.name)
            var k = 0
            while k < b.changeRow.count {
                let i = Int(b.changeRow[k]), r = rows[i]
                var previous: Value?
                var last: Value?
                while k < b.changeRow.count, Int(b.changeRow[k]) == i {
                    let raw = f.column.value(at: k, strings: b.strings)
                    let v = money ? Self.moneyValue(raw) : raw
                    let day = b.changeDay[k]
                    k += 1
                    if v.isNull { continue }
                    defer { previous = v; last = v }
                    if previous == nil, day <= deals.created[r] { continue }
                    let old = previous ?? storedValue(r, f.name)
                    if old == v { continue }
                    let known = fieldHistory.changes(ofRow: r).contains {
                        fieldHistory.field[$0] == code && fieldHistory.day[$0] == day && fieldHistory.new[$0] == v
                    }
                    if !known { fieldHistory.append(deal: r, day: day, field: code, old: old, new: v, origin: origin, order: eventOrder) }
                }
                if let last { setField(r, f.name, last) }
            }
        }
    }

    mutating func applyField(_ f: BatchField, rows: [Int], codes: [Int32], strings: [String]) {
        func code(_ c: Int32) -> Int32 { c < 0 ? Empty.text : codes[Int(c)] }
        let textColumn: WritableKeyPath<DealTable, Column<Int32>>?
        switch f.name {
        case "name": textColumn = \.name
        case "owner": textColumn = \.owner
        case "team": textColumn = \.team
        case "source": textColumn = \.source
        case "product": textColumn = \.product
        case "account": textColumn = \.account
        case "lost_reason": textColumn = \.lostReason
        default: textColumn = nil
        }
        switch (f.column, textColumn) {
        case (.text(let values), let kp?):
            // Taken out of the table while it is written so the writes do not copy it.
            var column = deals[keyPath: kp]
            deals[keyPath: kp] = []
            for (i, r) in rows.enumerated() { column[r] = code(values[i]) }
            deals[keyPath: kp] = column
            return
        case (.money(let values), _) where f.name == "amount":
            var column = deals.amount
            deals.amount = []
            for (i, r) in rows.enumerated() { column[r] = values[i] }
            deals.amount = column
            return
        case (.number(let values), _) where f.name == "amount":
            // A segment written before amounts were exact: each Double at its shortest digits.
            var column = deals.amount
            deals.amount = []
            for (i, r) in rows.enumerated() { column[r] = values[i].isNaN ? Empty.money : Money(values[i])?.storableCents ?? Empty.money }
            deals.amount = column
            return
        case (.number(let values), _) where f.name == "probability":
            var column = deals.probability
            deals.probability = []
            for (i, r) in rows.enumerated() { column[r] = values[i] }
            deals.probability = column
            return
        case (.date(let values), _) where f.name == "close_date":
            for (i, r) in rows.enumerated() { deals.closeDate[r] = values[i] }
            return
        default:
            break
        }
        let value: (Int) -> Value
        switch f.column {
        case .text(let values): value = { values[$0] < 0 ? .null : .text(strings[Int(values[$0])]) }
        case .number(let values) where catalog.fields[f.name]?.type == .money:
            value = { values[$0].isNaN ? .null : Money(values[$0]).map(Value.money) ?? .null }
        case .number(let values): value = { values[$0].isNaN ? .null : .number(values[$0]) }
        case .money(let values): value = { values[$0] == Empty.money ? .null : .money(Money(cents: values[$0])) }
        case .date(let values): value = { values[$0] == Empty.date ? .null : .date(values[$0]) }
        case .bool(let values): value = { values[$0] == 2 ? .null : .bool(values[$0] == 1) }
        }
        if BuiltinFields.type(of: f.name) != nil {
            for (i, r) in rows.enumerated() { setField(r, f.name, value(i)) }
            return
        }
        deals.ensureCustomColumn(f.name)
        var column = deals.custom[f.name] ?? []
        deals.custom[f.name] = nil
        for (i, r) in rows.enumerated() { column[r] = value(i) }
        deals.custom[f.name] = column
    }
}

extension DealTable {
    /// Appends empty rows for new ids, all in one funnel: `appendRow` for many rows at once,
    /// a column at a time. Ids must be new and distinct (a damaged segment that repeats one
    /// is refused).
    mutating func appendRows(ids new: [String], funnel f: Int32, index: [String: Int32]? = nil) throws {
        guard !new.isEmpty else { return }
        let n = new.count
        let first = count
        if first == 0, let index, index.count == n {
            setIDIndex(index)
        } else {
            let idIndex = ownIDIndex()
            idIndex.reserve(first + n)
            for (k, id) in new.enumerated() {
                guard idIndex.insert(id, row: Int32(first + k)) else {
                    throw Diagnostic(.io, "S010", "an import creates deal \"\(id)\" twice")
                }
            }
        }
        ids.append(contentsOf: new)
        funnel.append(contentsOf: repeatElement(f, count: n))
        stageSlot.append(contentsOf: repeatElement(0, count: n))
        status.append(contentsOf: repeatElement(.open, count: n))
        amount.append(contentsOf: repeatElement(Empty.money, count: n))
        probability.append(contentsOf: repeatElement(Empty.number, count: n))
        for kp in [\DealTable.name, \.owner, \.team, \.source, \.product, \.account, \.lostReason] {
            self[keyPath: kp].append(contentsOf: repeatElement(Empty.text, count: n))
        }
        for kp in [\DealTable.created, \.closeDate, \.closed, \.stageEntered] {
            self[keyPath: kp].append(contentsOf: repeatElement(Empty.date, count: n))
        }
        for k in custom.keys { custom[k]?.append(contentsOf: repeatElement(.null, count: n)) }
    }
}

extension StageHistory {
    mutating func reserve(_ extra: Int) {
        let n = count + extra
        deal.reserveCapacity(n); day.reserveCapacity(n); stage.reserveCapacity(n)
        fromStage.reserveCapacity(n); forcedReason.reserveCapacity(n); origin.reserveCapacity(n); order.reserveCapacity(n)
    }

    /// Drops every entry of the deals whose row is true in `removed`, keeping the others in
    /// order, with room for `extra` more.
    mutating func remove(deals removed: [Bool], reserving extra: Int) {
        var kept = 0
        for k in 0..<count where !removed[Int(deal[k])] { kept += 1 }
        var keep = StageHistory()
        keep.reserve(kept + extra)
        for k in 0..<count where !removed[Int(deal[k])] {
            keep.append(deal: Int(deal[k]), day: day[k], from: fromStage[k], to: stage[k], forced: forcedReason[k], origin: origin[k], order: order[k])
        }
        self = keep
    }
}
