/// An import as it stood on a past day, for `as of`. An import is recorded on the day it
/// ran, but its rows carry their own dates (created, stage history, closed), so a past day
/// sees the deals created by then, in the stage they were in then.
///
/// An import that only updates deals (`import history`, or a re-import without creation
/// dates) may name a deal created after the day: on that day there is nothing for its row to
/// change, so the row waits, as a `set` dated before its deal's creation does.
extension DealBatch {
    public func cut(at day: Int32, exists: (String) -> Bool) -> DealBatch {
        // Rows kept: deals created on or before the day, and updates of deals that exist then.
        var keep = [Bool](repeating: true, count: count)
        for i in 0..<count where created[i] == Empty.date { keep[i] = exists(ids[i]) }
        var firstEntryDay = [Int32](repeating: Int32.max, count: count)
        for k in 0..<entryCount {
            let i = Int(entryRow[k])
            firstEntryDay[i] = min(firstEntryDay[i], entryDay[k])
        }
        for i in 0..<count where created[i] != Empty.date {
            // A row with no stage change updates a deal that exists already (its fields only).
            keep[i] = created[i] <= day && (firstEntryDay[i] <= day || (firstEntryDay[i] == Int32.max && exists(ids[i])))
        }
        var newRow = [Int32](repeating: -1, count: count)
        var next: Int32 = 0
        for i in 0..<count where keep[i] { newRow[i] = next; next += 1 }

        var out = DealBatch(funnel: funnel, replacesHistory: replacesHistory, strings: strings,
                            ids: (0..<count).filter { keep[$0] }.map { ids[$0] },
                            created: (0..<count).filter { keep[$0] }.map { created[$0] },
                            closed: (0..<count).filter { keep[$0] }.map { closed[$0] <= day ? closed[$0] : Empty.date },
                            fields: fields.map { BatchField(name: $0.name, column: $0.column.keeping(keep)) })
        for k in 0..<entryCount {
            let i = Int(entryRow[k])
            guard keep[i], entryDay[k] <= day else { continue }
            out.addEntry(row: Int(newRow[i]), day: entryDay[k], from: entryFrom[k], to: entryTo[k], forced: entryForced[k])
        }
        return out
    }
}

extension BatchColumn {
    func keeping(_ keep: [Bool]) -> BatchColumn {
        func pick<T>(_ xs: [T]) -> [T] { xs.indices.filter { $0 < keep.count && keep[$0] }.map { xs[$0] } }
        switch self {
        case .text(let xs): return .text(pick(xs))
        case .number(let xs): return .number(pick(xs))
        case .date(let xs): return .date(pick(xs))
        case .bool(let xs): return .bool(pick(xs))
        }
    }
}
