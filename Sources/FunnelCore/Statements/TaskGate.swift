/// `tasks done` in an exit criterion: every task the deal's current stage gave it on this
/// visit — its key tasks (`task` items) and its `on enter task` actions — is done. Tasks
/// made by rules, by `on exit` actions, or on an earlier visit do not count.
extension FunnelState {
    /// Task rows the current stage visit of deal row `r` has to finish, in id order.
    public func currentStageTasks(ofRow r: Int) -> [Int] {
        guard let rows = tasks.byDeal[Int32(r)] else { return [] }
        let stage = slots.stage[Int(deals.stageSlot[r])]
        let visit = deals.stageEntered[r]
        return rows.map(Int.init).filter { t in
            (tasks.origin[t] == .key || tasks.origin[t] == .enter) && tasks.stage[t] == stage && tasks.visit[t] == visit
        }
    }

    public func tasksDone(row r: Int) -> Bool {
        currentStageTasks(ofRow: r).allSatisfy { tasks.status[$0] == .done }
    }

    /// How `tasks done` stands for a deal, for `why` and a refused move.
    func tasksDoneExplanation(row r: Int) -> String {
        let rows = currentStageTasks(ofRow: r)
        if rows.isEmpty { return "the stage gave this deal no tasks" }
        let open = rows.filter { tasks.status[$0] == .open }
        if open.isEmpty { return "\(rows.count) of \(rows.count) tasks done" }
        return "\(rows.count - open.count) of \(rows.count) tasks done; open: "
            + open.map { "task \(tasks.id[$0]) \"\(pool[tasks.title[$0]])\"" }.joined(separator: ", ")
    }
}
