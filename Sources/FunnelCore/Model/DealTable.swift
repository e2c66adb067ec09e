/// All deals as columns (struct of arrays). Row `i` of every array is deal `i`. Text columns
/// hold `StringPool` codes (`Empty.text` when empty), dates day numbers (`Empty.date`),
/// amounts cents (`Money.cents`, `Empty.money` when empty). Declared fields live in `custom`, one column each.
public struct DealTable: Sendable {
    public var ids = TextColumn()
    /// Id to row, built when a statement first looks an id up (LazyIndex.swift).
    private var idIndex = LazyIndex<String>([:])
    public var rowOfID: [String: Int32] { idIndex.table(keys: { ids }) }
    /// Funnel name as a pool code.
    public var funnel = Column<Int32>()
    /// Current stage as a `StageSlots` index (funnel and stage name); positions and
    /// probabilities come from the funnel definition through `SlotInfo`, so a redeclared
    /// funnel reorders its deals without rewriting them.
    public var stageSlot = Column<Int32>()
    public var status: [DealStatus] = []
    public var amount = Column<Int64>()
    /// The deal's own probability override; NaN means "use the stage's".
    public var probability = Column<Double>()
    public var name = Column<Int32>()
    public var owner = Column<Int32>()
    public var team = Column<Int32>()
    public var source = Column<Int32>()
    public var product = Column<Int32>()
    public var account = Column<Int32>()
    public var lostReason = Column<Int32>()
    public var created = Column<Int32>()
    /// Expected close date while open.
    public var closeDate = Column<Int32>()
    /// Date won or lost; empty while open.
    public var closed = Column<Int32>()
    /// When the deal entered its current stage (the stale clock, METRICS.md).
    public var stageEntered = Column<Int32>()
    /// Declared fields by name: one value per deal.
    public var custom: [String: [Value]] = [:]

    public init() {}

    public var count: Int { ids.count }

    /// The row of `id`: the first few lookups on an index not yet built compare the ids'
    /// bytes (a few milliseconds at a million deals), later ones build the index.
    public func row(of id: String) -> Int32? {
        let found = idIndex.row(of: id, scanLimit: Self.scansBeforeIndexing, keys: { ids })
        if found.scan { return ids.firstIndex(of: id, within: ids.count).map { Int32($0) } }
        return found.row
    }

    static let scansBeforeIndexing = 8

    /// The id index for changing in place (see `LazyIndex.isBuiltAndOwned`).
    mutating func ownIDIndex() -> LazyIndex<String> {
        if !isKnownUniquelyReferenced(&idIndex) || !idIndex.isBuiltAndOwned {
            let table = idIndex.table(keys: { ids })
            idIndex = LazyIndex(table)
        }
        return idIndex
    }

    /// Ids given as they are, the index left to be built on first use (a snapshot's ids).
    mutating func setIDs(_ new: TextColumn) {
        ids = new
        idIndex = LazyIndex(nil)
    }

    /// Takes `index` as the index of `ids` (the importer built it already).
    mutating func setIDIndex(_ index: [String: Int32]) { idIndex = LazyIndex(index) }

    /// Appends an empty row and returns its index.
    public mutating func appendRow(id: String) -> Int {
        let row = ids.count
        if idIndex.ifBuilt == nil {
            // Not built: it will be built from `ids`, this one included. A copy sharing it
            // must not see this id, so a shared one is replaced by one of this table's own.
            if !isKnownUniquelyReferenced(&idIndex) { idIndex = LazyIndex(nil) }
        } else {
            _ = ownIDIndex().insert(id, row: Int32(row))
        }
        ids.append(id)
        funnel.append(Empty.text); stageSlot.append(0); status.append(.open)
        amount.append(Empty.money); probability.append(Empty.number)
        name.append(Empty.text); owner.append(Empty.text); team.append(Empty.text)
        source.append(Empty.text); product.append(Empty.text); account.append(Empty.text)
        lostReason.append(Empty.text)
        created.append(Empty.date); closeDate.append(Empty.date); closed.append(Empty.date)
        stageEntered.append(Empty.date)
        for k in custom.keys { custom[k]?.append(.null) }
        return row
    }

    /// Deal `r`'s amount, nil when it has none.
    @inline(__always) public func money(_ r: Int) -> Money? {
        let c = amount[r]
        return c == Empty.money ? nil : Money(cents: c)
    }

    /// Deal `r`'s amount in cents, 0 when it has none (what sums add).
    @inline(__always) public func cents(_ r: Int) -> Int64 {
        let c = amount[r]
        return c == Empty.money ? 0 : c
    }

    public mutating func ensureCustomColumn(_ field: String) {
        if custom[field] == nil { custom[field] = [Value](repeating: .null, count: ids.count) }
    }
}

/// Every stage change of every deal, in the order recorded. Time metrics sort by
/// (deal, date) when they need to.
public struct StageHistory: Sendable {
    public var deal = Column<Int32>()
    public var day = Column<Int32>()
    public var stage = Column<Int32>()
    /// Stage left (pool code), `Empty.text` for a deal's first stage.
    public var fromStage = Column<Int32>()
    /// A forced move's reason (pool code), `Empty.text` otherwise.
    public var forcedReason = Column<Int32>()
    /// What recorded the change (pool code): `FILE:LINE` of a script, `import FILE`; empty
    /// when the journal does not say.
    public var origin = Column<Int32>()
    /// The position in the event log of the event that made the change, which orders a
    /// deal's stage and field changes of one day as they were recorded.
    public var order = Column<Int32>()
    public init() {}
    public var count: Int { deal.count }

    public mutating func append(deal: Int, day: Int32, from: Int32, to: Int32, forced: Int32 = Empty.text, origin: Int32 = Empty.text,
                                order: Int32 = 0) {
        self.deal.append(Int32(deal)); self.day.append(day); self.stage.append(to)
        self.fromStage.append(from); self.forcedReason.append(forced); self.origin.append(origin); self.order.append(order)
    }
}
