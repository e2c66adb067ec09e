/// An import as it stood on a past day, for `as of`. An import is recorded on the day it
/// ran, but its rows carry their own dates (created, stage history, closed, an imported
/// field history), so a past day sees the deals created by then, in the stage they were in
/// then, with the field values they had then.
///
/// An import that only updates deals (`import history`, or a re-import without creation
/// dates) may name a deal created after the day: on that day there is nothing for its row to
/// change, so the row waits, as a `set` dated before its deal's creation does. The field
/// values an import gives deals that existed before it are changes of the day it ran: a day
/// before that sees the deals without them.
extension DealBatch {
    public func cut(at day: Int32, recordedOn: Int32, exists: (String) -> Bool) -> [DealBatch] {
        // Rows kept: deals created on or before the day, and updates of deals that exist then.
        var keep = [Bool](repeating: true, count: count)
        var update = [Bool](repeating: false, count: count)
        for i in 0..<count { update[i] = exists(ids[i]) }
        for i in 0..<count where created[i] == Empty.date { keep[i] = update[i] }
        var firstEntryDay = [Int32](repeating: Int32.max, count: count)
        for k in 0..<entryCount {
            let i = Int(entryRow[k])
            firstEntryDay[i] = min(firstEntryDay[i], entryDay[k])
        }
        for i in 0..<count where created[i] != Empty.date {
            keep[i] = update[i] || (created[i] <= day && firstEntryDay[i] <= day)
        }
        guard recordedOn > day, !fields.isEmpty, update.contains(true) else { return [part(keep, fields: true, day: day)] }
        let fresh = (0..<count).map { keep[$0] && !update[$0] }
        let updates = (0..<count).map { keep[$0] && update[$0] }
        return [part(fresh, fields: true, day: day), part(updates, fields: false, day: day)]
    }

    /// The rows of `keep`, with the stage and field changes dated on or before `day`.
    func part(_ keep: [Bool], fields withFields: Bool, day: Int32) -> DealBatch {
        var newRow = [Int32](repeating: -1, count: count)
        var next: Int32 = 0
        for i in 0..<count where keep[i] { newRow[i] = next; next += 1 }
        let rows = (0..<count).filter { keep[$0] }
        var out = DealBatch(funnel: funnel, replacesHistory: replacesHistory, strings: strings,
                            ids: rows.map { ids[$0] }, created: rows.map { created[$0] },
                            closed: rows.map { closed[$0] <= day ? closed[$0] : Empty.date },
                            fields: withFields ? fields.map { BatchField(name: $0.name, column: $0.column.keeping(keep)) } : [])
        for k in 0..<entryCount {
            let i = Int(entryRow[k])
            guard keep[i], entryDay[k] <= day else { continue }
            out.addEntry(row: Int(newRow[i]), day: entryDay[k], from: entryFrom[k], to: entryTo[k], forced: entryForced[k])
        }
        if !changeRow.isEmpty {
            let changes = changeRow.indices.map { keep[Int(changeRow[$0])] && changeDay[$0] <= day }
            for k in changeRow.indices where changes[k] {
                out.changeRow.append(newRow[Int(changeRow[k])])
                out.changeDay.append(changeDay[k])
            }
            out.changeFields = changeFields.map { BatchField(name: $0.name, column: $0.column.keeping(changes)) }
        }
        return out
    }
}

extension BatchColumn {
    func keeping(_ keep: [Bool]) -> BatchColumn {
        func pick<T>(_ xs: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(xs.count)
            for i in 0..<min(xs.count, keep.count) where keep[i] { out.append(xs[i]) }
            return out
        }
        switch self {
        case .text(let xs): return .text(pick(xs))
        case .number(let xs): return .number(pick(xs))
        case .date(let xs): return .date(pick(xs))
        case .bool(let xs): return .bool(pick(xs))
        case .money(let xs): return .money(pick(xs))
        }
    }

    /// Entry `k` as a value; empty where the column holds none.
    func value(at k: Int, strings: [String]) -> Value {
        switch self {
        case .text(let c): return k < c.count && c[k] >= 0 && Int(c[k]) < strings.count ? .text(strings[Int(c[k])]) : .null
        case .number(let c): return k < c.count && !c[k].isNaN ? .number(c[k]) : .null
        case .date(let c): return k < c.count && c[k] != Empty.date ? .date(c[k]) : .null
        case .bool(let c): return k < c.count && c[k] != 2 ? .bool(c[k] == 1) : .null
        case .money(let c): return k < c.count && c[k] != Empty.money ? .money(Money(cents: c[k])) : .null
        }
    }
}
