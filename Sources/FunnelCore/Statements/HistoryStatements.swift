/// `delete deal`, `restore deal` and the events `undo` records: taking a mistake back by
/// recording what takes it back, never by editing the journal (Model/Erasure.swift says
/// what each one leaves out of every replay).
extension Interpreter {
    func deleteDeal(id idExpr: Expr, reason: String, file: SourceFile) throws -> StatementOutput {
        let r = try existingDeal(idExpr, file: file)
        let id = state.deals.ids[r]
        try record(.dealDeleted(id: id, reason: reason), on: today)
        return .message("deal \"\(id)\" deleted: it is in no report now, on any day; restore deal \"\(id)\" brings it back")
    }

    /// A restore brings back the most recent deletion of the id. While another deal has
    /// the id (it was created again after the deletion), the two cannot both be "X":
    /// the restore is refused, and the new deal must be deleted (or never made) first.
    func restoreDeal(id idExpr: Expr, file: SourceFile) throws -> StatementOutput {
        let id = recordID(idExpr)
        guard let deletion = state.erasure.deletions(of: id).last(where: { $0.restoredOn == nil }) else {
            let restored = state.erasure.deletions(of: id).last
            throw Diagnostic(.runtime, "R652", restored.map { "deal \"\(id)\" was deleted on \(Calendar.format($0.day)) and restored already" }
                                ?? "deal \"\(id)\" was never deleted", file: file, range: idExpr.range,
                             help: state.row(of: id) == nil ? nil : "deal \"\(id)\" is there, in \(state.stageName(ofRow: state.row(of: id) ?? 0))")
        }
        if let r = state.row(of: id) {
            throw Diagnostic(.runtime, "R653", "deal \"\(id)\" (deleted on \(Calendar.format(deletion.day))) cannot be restored: since then another deal has the id \"\(id)\" (created on \(Calendar.format(state.deals.created[r])))",
                             file: file, range: idExpr.range,
                             help: "two deals cannot share an id; to bring the deleted one back, delete the new one first: delete deal \"\(id)\" because \"...\"")
        }
        try record(.dealRestored(id: id), on: today)
        return .message("deal \"\(id)\" restored (deleted on \(Calendar.format(deletion.day)) because \(deletion.reason))")
    }

    /// Records that the events at journal positions `first...last` are taken back. The
    /// caller (the session) has checked that they are one run and that no other writer's
    /// run came after them. `origin` names what asked for it (`FILE:LINE` of the REPL's
    /// entry, or `funnel undo --last-run`), which the deals' histories show.
    public func recordUndo(first: Int64, last: Int64, origin: String?) throws {
        try record(.undone(first: first, last: last), on: today, origin: origin)
    }
}

extension FunnelState {
    /// The logged events at journal positions `first...last` (1-based), for undo's question.
    public func loggedEvents(first: Int64, last: Int64) -> ArraySlice<LoggedEvent> {
        let lo = max(0, Int(first) - 1), hi = min(log.count, Int(last))
        return lo < hi ? log[lo..<hi] : []
    }
}
