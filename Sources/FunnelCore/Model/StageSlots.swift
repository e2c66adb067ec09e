/// Every (funnel, stage name) pair a deal has been in, numbered. Deals store the slot
/// number, and a query turns the catalog into one small `SlotInfo` array indexed by slot,
/// so "stage >= Proposal" or "probability of this deal's stage" is an array lookup per deal.
public struct StageSlots: Sendable {
    public var funnel: [Int32] = []
    public var stage: [Int32] = []
    private var index: [Int64: Int32] = [:]

    public init() {}

    /// Slots numbered as given (a snapshot's).
    init(funnel: [Int32], stage: [Int32]) throws {
        guard funnel.count == stage.count else { throw SnapshotProblem("stage slots do not add up") }
        for i in funnel.indices {
            let key = Int64(funnel[i]) << 32 | Int64(UInt32(bitPattern: stage[i]))
            guard index.updateValue(Int32(i), forKey: key) == nil else { throw SnapshotProblem("a stage slot is numbered twice") }
        }
        self.funnel = funnel
        self.stage = stage
    }

    public var count: Int { funnel.count }

    /// The slot of (`f`, `s`) if there is one.
    public func existing(funnel f: Int32, stage s: Int32) -> Int32? { index[Int64(f) << 32 | Int64(UInt32(bitPattern: s))] }

    public mutating func slot(funnel f: Int32, stage s: Int32) -> Int32 {
        let key = Int64(f) << 32 | Int64(UInt32(bitPattern: s))
        if let i = index[key] { return i }
        let i = Int32(funnel.count)
        funnel.append(f); stage.append(s)
        index[key] = i
        return i
    }
}

/// What the current catalog says about one stage slot.
public struct SlotInfo: Sendable {
    /// Nil for a lost stage, or a stage the funnel no longer has.
    public var position: Int?
    public var kind: StageKind?
    public var probability: Double
    public var category: StageCategory
    public var staleAfterDays: Int?
    /// The declaration, when the funnel still has the stage.
    public var def: StageDef?
}
