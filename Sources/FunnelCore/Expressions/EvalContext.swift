/// What an expression sees when it runs: the state, today's date and the catalog's view
/// of every stage slot, computed once per statement.
public struct EvalContext {
    /// Held once, in `derived`, and read in place: copying a FunnelState retains and releases
    /// every column, and a context is copied into every compiler and closure made from it
    /// (a stage change's messages make several).
    public var state: FunnelState {
        _read { yield derived.state }
    }
    public let today: Int32
    public let slotInfo: [SlotInfo]
    /// Each slot's probability in millionths, for exact weighted sums (WeightedSum).
    public let slotMillionths: [Int64]
    /// `team` (the deal's own, else its owner's on the day that counts) and `manager` (the
    /// owner's), as pool codes per deal; without people, `team` is the deal's own column.
    /// Worked out on first use: most statements never read them.
    public var teams: Column<Int32> { derived.teams }
    public var managers: Column<Int32>? { derived.managers }
    private let derived: DerivedColumns

    final class DerivedColumns {
        let state: FunnelState
        let today: Int32
        init(state: FunnelState, today: Int32) { self.state = state; self.today = today }
        lazy var teams: Column<Int32> = state.teamColumn(on: today)
        lazy var managers: Column<Int32>? = state.people.isEmpty ? nil : state.managerColumn(on: today)
    }

    /// Where a money result of this statement's expressions first left the range.
    public let faults = ArithmeticFaults()

    public init(state: FunnelState, today: Int32) {
        self.init(state: state, today: today, slots: SlotView(state))
    }

    /// `slots` must be the view of this state's slots and catalog.
    public init(state: FunnelState, today: Int32, slots: SlotView) {
        self.today = today
        self.slotInfo = slots.info
        self.slotMillionths = slots.millionths
        self.derived = DerivedColumns(state: state, today: today)
    }

    /// The catalog's view of every stage slot: it changes only with the catalog and the
    /// slots, so one made for a state serves the contexts of later states that have the same
    /// catalog and slots (each stage change's automation makes a context).
    public struct SlotView {
        public let info: [SlotInfo]
        public let millionths: [Int64]

        public init(_ state: FunnelState) {
            info = state.slotInfo()
            millionths = info.map { WeightedSum.millionths($0.probability) }
        }
    }

    /// The probability that weights a deal: its own if set, else its stage's.
    @inline(__always)
    public func probability(_ r: Int) -> Double {
        let own = state.deals.probability[r]
        return own.isNaN ? slotInfo[Int(state.deals.stageSlot[r])].probability : own
    }

    /// `probability(r)` in millionths, as weighted sums multiply it.
    @inline(__always)
    public func probabilityMillionths(_ r: Int) -> Int64 {
        let own = state.deals.probability[r]
        return own.isNaN ? slotMillionths[Int(state.deals.stageSlot[r])] : WeightedSum.millionths(own)
    }

    /// The forecast category of a deal: its own `category` if set, else its stage's.
    public func category(_ r: Int, own: [Value]?) -> StageCategory {
        if let own, r < own.count, case .text(let t) = own[r], let c = StageCategory(rawValue: t) { return c }
        return slotInfo[Int(state.deals.stageSlot[r])].category
    }

    public func daysInStage(_ r: Int) -> Int32 { today - state.deals.stageEntered[r] }

    public func isStale(_ r: Int) -> Bool {
        guard state.deals.status[r] == .open, let limit = slotInfo[Int(state.deals.stageSlot[r])].staleAfterDays else { return false }
        return Int(daysInStage(r)) > limit
    }
}

/// Arithmetic that cannot give a value inside an expression's closure (a money result outside
/// ±999,999,999,999,999.99) is recorded here; the statement then fails with R721 at the
/// first such expression instead of using a wrapped or rounded figure.
public final class ArithmeticFaults: @unchecked Sendable {
    public private(set) var overflow: SourceRange?
    public init() {}
    func recordOverflow(_ range: SourceRange) { if overflow == nil { overflow = range } }

    /// Throws R721 when an expression overflowed.
    public func check(file: SourceFile) throws {
        guard let range = overflow else { return }
        throw Diagnostic(.runtime, "R721", "\(file.text(range)) is more money than 128 bits of cents hold (about ±1.7 × 10^36)",
                         file: file, range: range,
                         help: "money is exact to the cent; check the expression's factors")
    }
}
