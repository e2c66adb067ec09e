/// `done task` and `ack notification(s)`: the two statements that close what automation
/// opened. Both take effect today, or on the day `on DATE` gives, which cannot be before the
/// task or notification was made (a backfill records when the work was really done).
extension Interpreter {
    func doneTask(id: Int?, title: String?, deal: Expr?, on: Expr?, statement s: Statement, file: SourceFile) throws -> StatementOutput {
        let t = state.tasks
        let pool = state.pool
        let row: Int
        if let id {
            guard let found = Int32(exactly: id).flatMap({ t.rowOfID[$0] }) else {
                throw Diagnostic(.runtime, "R301", "no task \(id)", file: file, range: s.range,
                                 help: t.count == 0 ? "there are no tasks yet; a stage's task items make them when a deal enters it"
                                    : "tasks are numbered 1 to \(t.nextID - 1); list the open ones: tasks where status = open")
            }
            row = Int(found)
        } else if let title, let deal {
            let r = try existingDeal(deal, file: file)
            let dealID = state.deals.ids[r]
            let mine = (t.byDeal[Int32(r)] ?? []).map(Int.init)
            let titled = mine.filter { pool[t.title[$0]] == title }
            if titled.isEmpty {
                let titles = Array(Set(mine.map { pool[t.title[$0]] })).sorted()
                throw Diagnostic(.runtime, "R303", "deal \"\(dealID)\" has no task \"\(title)\"", file: file, range: s.range,
                                 help: Suggest.closest(to: title, in: titles).map { "did you mean \"\($0)\"?" }
                                    ?? (titles.isEmpty ? "the deal has no tasks" : "its tasks are: " + titles.map { "\"\($0)\"" }.joined(separator: ", ")))
            }
            let open = titled.filter { t.status[$0] == .open }
            if open.count > 1 {
                throw Diagnostic(.runtime, "R304", "deal \"\(dealID)\" has \(open.count) open tasks \"\(title)\": "
                                    + open.map { String(t.id[$0]) }.joined(separator: ", "),
                                 file: file, range: s.range, help: "give the number: done task \(t.id[open[open.count - 1]])")
            }
            row = open.first ?? titled[titled.count - 1]
        } else {
            throw Diagnostic(.runtime, "R307", "done task needs a number or a title and a deal", file: file, range: s.range)
        }
        guard t.status[row] == .open else {
            throw Diagnostic(.runtime, "R302", "task \(t.id[row]) \"\(pool[t.title[row]])\" of deal \"\(state.deals.ids[Int(t.deal[row])])\" "
                                + (t.status[row] == .closed ? "was closed with its deal on \(Calendar.format(t.completed[row]))"
                                    : "is already done (on \(Calendar.format(t.completed[row])))"),
                             file: file, range: s.range)
        }
        let day = try effectiveDate(on, file: file)
        if day < t.created[row] {
            throw Diagnostic(.runtime, "R650", "task \(t.id[row]) \"\(pool[t.title[row]])\" was made on \(Calendar.format(t.created[row])); it cannot be done before that",
                             file: file, range: on?.range ?? s.range, help: "give a date on or after \(Calendar.format(t.created[row]))")
        }
        try record(.taskDone(id: Int(t.id[row])), on: day)
        return .message("task \(t.id[row]) done: \"\(pool[t.title[row]])\" for deal \"\(state.deals.ids[Int(t.deal[row])])\"")
    }

    func ack(id: Int?, filter: Expr?, on: Expr?, statement s: Statement, file: SourceFile) throws -> StatementOutput {
        let n = state.notifications
        if let id {
            guard let row = Int32(exactly: id).flatMap({ n.rowOfID[$0] }).map(Int.init) else {
                throw Diagnostic(.runtime, "R305", "no notification \(id)", file: file, range: s.range,
                                 help: n.count == 0 ? "there are no notifications yet"
                                    : "notifications are numbered 1 to \(n.nextID - 1); list the new ones: notifications where status = new")
            }
            guard n.status[row] == .new else {
                throw Diagnostic(.runtime, "R306", "notification \(id) was already acknowledged on \(Calendar.format(n.acked[row]))",
                                 file: file, range: s.range)
            }
            let day = try effectiveDate(on, file: file)
            if day < n.at[row] {
                throw Diagnostic(.runtime, "R651", "notification \(id) was made on \(Calendar.format(n.at[row])); it cannot be acknowledged before that",
                                 file: file, range: on?.range ?? s.range, help: "give a date on or after \(Calendar.format(n.at[row]))")
            }
            try record(.acked(ids: [id]), on: day)
            return .message("acknowledged notification \(id)")
        }
        let rc = RecordColumns.notifications(EvalContext(state: state, today: today))
        let keep = try filter.map { try rc.compiler(file: file).predicate($0) }
        let day = try effectiveDate(on, file: file)
        // With a date, only what had been made by then can have been acknowledged then.
        let rows = (0..<n.count).filter { n.status[$0] == .new && n.at[$0] <= day && (keep?($0) ?? true) }
        let ids = rows.map { Int(n.id[$0]) }
        guard !ids.isEmpty else { return .message("no new notifications to acknowledge") }
        try record(.acked(ids: ids), on: day)
        return .message("acknowledged \(ids.count) notification\(ids.count == 1 ? "" : "s")")
    }
}

extension Interpreter {
    /// A deal won or lost has no work left: its open tasks are closed with it, on the day it
    /// closed, as an event (they stay listed, with status `closed`).
    func closeTasksOfClosedDeal(row r: Int, stage: String, on day: Int32) throws {
        guard let kind = funnel(ofRow: r)?.stage(named: stage)?.kind, kind != .open else { return }
        let t = state.tasks
        let open = (t.byDeal[Int32(r)] ?? []).map(Int.init).filter { t.status[$0] == .open }
        guard !open.isEmpty else { return }
        try record(.tasksClosed(ids: open.map { Int(t.id[$0]) }), on: day)
    }
}
