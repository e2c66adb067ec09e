/// What the date cut of `as of` (AsOfCut.swift) needs to know about how each deal came to be,
/// which its current columns no longer say: an import keeps a row out of a past day until
/// both its created day and its first stage change are reached, and a later `import history`
/// may replace that first change; a closed deal imported with an empty closed cell has no
/// closed date on any day. Kept as the events are applied, so a state rebuilt from the
/// journal and one opened from a snapshot that stored them (section `asof`) agree.
public struct AsOfFacts: Sendable, Equatable {
    /// Per deal row, the first day a replay of the log as of a past day has the deal.
    public var existsFrom: [Int32] = []
    /// Rows created by an import with `DealBatch.noClosedDate`.
    public var noClosedDate: Set<Int32> = []
    /// An `import deals` named a deal that existed: such a row can move a deal's created day
    /// or closed date without a dated trace, so only the replay can tell a past day.
    public var importUpdatedDeals = false
    /// An import gave deals a lost reason (a column or an imported history of it): a deal's
    /// lost reason before its first `lose` or `reopen` is then not known to be empty.
    public var importedLostReason = false

    public init() {}

    /// Whether these are the facts of a table of `deals` rows.
    func fit(_ deals: Int) -> Bool { existsFrom.count == deals }
}

extension FunnelState {
    /// A deal row was created on `day` by a statement.
    mutating func noteCreated(day: Int32) {
        asOfFacts?.existsFrom.append(day)
    }

    /// The rows an import batch created, with the day each exists from (its created day, or
    /// its first stage change when that is later, as `DealBatch.cut` keeps rows).
    mutating func noteImported(_ b: DealBatch, rows: [Int], isNew: [Bool]) {
        guard asOfFacts != nil else { return }
        if (b.fields + b.changeFields).contains(where: { $0.name == "lost_reason" }) { asOfFacts?.importedLostReason = true }
        var firstEntry = [Int32](repeating: Int32.max, count: b.count)
        for k in 0..<b.entryCount {
            let i = Int(b.entryRow[k])
            firstEntry[i] = min(firstEntry[i], b.entryDay[k])
        }
        for i in 0..<b.count {
            guard isNew[i] else {
                if !b.replacesHistory { asOfFacts?.importUpdatedDeals = true }
                continue
            }
            // New rows are appended in batch order; facts out of step are no facts.
            guard rows[i] == asOfFacts?.existsFrom.count else { asOfFacts = nil; return }
            asOfFacts?.existsFrom.append(max(b.created[i], firstEntry[i]))
            if b.closed[i] == DealBatch.noClosedDate { asOfFacts?.noClosedDate.insert(Int32(rows[i])) }
        }
    }
}
