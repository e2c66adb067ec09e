/// What an expression sees when it runs: the state, today's date and the catalog's view
/// of every stage slot, computed once per statement.
public struct EvalContext {
    public let state: FunnelState
    public let today: Int32
    public let slotInfo: [SlotInfo]

    public init(state: FunnelState, today: Int32) {
        self.state = state
        self.today = today
        self.slotInfo = state.slotInfo()
    }

    /// The probability that weights a deal: its own if set, else its stage's.
    @inline(__always)
    public func probability(_ r: Int) -> Double {
        let own = state.deals.probability[r]
        return own.isNaN ? slotInfo[Int(state.deals.stageSlot[r])].probability : own
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
