/// Every change of a deal's field after its creation, in the order recorded: `set deal`,
/// an import that updates a deal, an imported field history. Plain columns (row `k` of every
/// array is change `k`), so the state's snapshot can store them as they are. `old` is the
/// value the field held when the change was recorded, so the list reads as the edit log a
/// CRM keeps; `as of` and the gates read the value a day had by the journal's rule (the
/// latest change recorded with an effective date on or before the day).
public struct FieldHistory: Sendable {
    public var deal: [Int32] = []
    public var day: [Int32] = []
    /// Field name (pool code).
    public var field: [Int32] = []
    public var old: [Value] = []
    public var new: [Value] = []
    /// What recorded it, `FILE:LINE` of a script or `import FILE` (pool code); empty when the
    /// journal does not say (a journal written before this was kept).
    public var origin: [Int32] = []
    /// The position in the event log of the event that made the change (StageHistory.order).
    public var order: [Int32] = []
    /// Per deal row, its latest change (-1 for none); `previous[k]` is the deal's change
    /// before `k`. Each deal's changes newest first without a scan of the whole table.
    public var latest: [Int32] = []
    public var previous: [Int32] = []

    public init() {}
    public var count: Int { deal.count }

    public mutating func append(deal r: Int, day d: Int32, field f: Int32, old o: Value, new n: Value, origin: Int32, order: Int32) {
        let k = Int32(deal.count)
        deal.append(Int32(r)); day.append(d); field.append(f); old.append(o); new.append(n)
        self.origin.append(origin); self.order.append(order)
        if latest.count <= r { latest.append(contentsOf: repeatElement(-1, count: r + 1 - latest.count)) }
        previous.append(latest[r])
        latest[r] = k
    }

    /// Deal row `r`'s changes, newest recorded first.
    public func changes(ofRow r: Int) -> [Int] {
        var out: [Int] = []
        var k = r < latest.count ? Int(latest[r]) : -1
        while k >= 0 { out.append(k); k = Int(previous[k]) }
        return out
    }
}
