/// `history of deal "D-1" [fields NAME, ...]`: every change of the deal, oldest first — its
/// stage changes and its field changes. Columns: `at` (the effective date), `field` (`stage`,
/// or the field changed), `old` and `new` (empty `old` on the row of its creation), as the
/// field's values are shown; `days_in_previous` (stage rows: days since the stage change
/// before), `forced_reason` (a `force because` move) and `recorded_by` (the script and line,
/// or `import FILE`). On one day the rows keep the order they were recorded in. `fields`
/// keeps the rows of the fields named (`stage` for the stage changes); `where` filters the
/// rows, `during` keeps changes dated in the window. Without `fields`, the deal's deletions
/// that a restore took back, the restores and the undos that took back changes of it are
/// rows too (ErasureRows).
struct DealHistoryReport {
    let runner: QueryRunner

    struct Row {
        var day: Int32
        var order: Int
        var cells: [Value]
    }

    func run(_ plan: QueryPlan, deal idExpr: Expr) throws -> ResultTable {
        let q = plan.query
        let state = runner.ctx.state
        let id: String
        if case .string(let s) = idExpr.kind { id = s } else { id = runner.file.text(idExpr.range) }
        guard let r = state.row(of: id) else {
            // The deletion is there on every day: a deleted deal's history says that it is.
            if let gone = runner.ctx.state.erasure.deletions(of: id).last(where: { $0.restoredOn == nil }) {
                throw Diagnostic(.runtime, "R101", "no deal \"\(id)\": it was deleted on \(Calendar.format(gone.day)) (\(gone.reason))"
                                    + (gone.origin.map { ", recorded by \($0)" } ?? ""),
                                 file: runner.file, range: idExpr.range, help: "restore deal \"\(id)\" brings it back")
            }
            let near = Suggest.closest(to: id, in: state.deals.ids.count <= 50_000 ? Array(state.deals.ids) : [])
            throw Diagnostic(.runtime, "R101", "no deal \"\(id)\"" + (runner.asOfDay.map { " as of \(Calendar.format($0))" } ?? ""), file: runner.file,
                             range: idExpr.range, help: near.map { "did you mean \"\($0)\"?" })
        }
        let wanted = q.historyFields.map { Set($0.map(\.text)) }
        let h = state.history, pool = state.pool
        func text(_ code: Int32) -> Value { code == Empty.text ? .null : .text(pool[code]) }
        let window = plan.window
        var rows: [Row] = []
        if wanted?.contains("stage") ?? true {
            let index = DealHistoryIndex(h, dealCount: state.deals.count)
            var previousDay: Int32?
            for j in index.range(of: r) {
                let e = Int(index.entries[j])
                let day = h.day[e]
                defer { previousDay = day }
                if !ClosedWindow.contains(day, window) { continue }
                rows.append(Row(day: day, order: Int(h.order[e]) * 2 + 1,
                                cells: [.date(day), .text("stage"), text(h.fromStage[e]), text(h.stage[e]),
                                        previousDay.map { .number(Double(day - $0)) } ?? .null, text(h.forcedReason[e]),
                                        text(h.origin[e])]))
            }
        }
        let f = state.fieldHistory
        for k in f.changes(ofRow: r).reversed() {
            let name = pool[f.field[k]]
            if let wanted, !wanted.contains(name) { continue }
            if !ClosedWindow.contains(f.day[k], window) { continue }
            let type = Self.kind(of: name, catalog: state.catalog)
            rows.append(Row(day: f.day[k], order: Int(f.order[k]) * 2,
                            cells: [.date(f.day[k]), .text(name), Self.shown(f.old[k], type), Self.shown(f.new[k], type), .null, .null,
                                    text(f.origin[k])]))
        }
        if wanted == nil {
            // As of a past day, what was taken back after it had not happened yet.
            for e in ErasureRows(erasure: state.erasure, catalog: state.catalog).rows(of: id)
            where ClosedWindow.contains(e.day, window) && e.day <= (runner.asOfDay ?? Int32.max) {
                rows.append(Row(day: e.day, order: e.order, cells: [.date(e.day), .text(e.field), e.old, e.new, .null, .null, e.recordedBy]))
            }
        }
        let sorted = stableSorted(rows) { a, b in a.day != b.day ? a.day < b.day : a.order < b.order }.map(\.cells)
        let indexer = GroupIndexer([])
        for _ in sorted { indexer.seed(Grouping.Key(a: Int64(indexer.keys.count))) }
        return try GroupedTable<[Value]>(indexer: indexer, metricColumns: ResultColumns.of(q.verb), finish: { $0 },
                                         merge: { _ in [] }, wantsTotal: false)
            .build(sorted, query: q, groupFilter: plan.checked.groupFilter, file: runner.file)
    }

    static func kind(of field: String, catalog: Catalog) -> ColumnKind {
        if let t = catalog.fields[field]?.type {
            switch t {
            case .money: return .money
            case .percent: return .rate
            default: return .text
            }
        }
        switch BuiltinFields.type(of: field) {
        case .money?: return .money
        case .percent?: return .rate
        default: return .text
        }
    }

    /// A value as the field shows it (money grouped, percentages as such), as text, since
    /// one column holds the values of every field.
    static func shown(_ v: Value, _ kind: ColumnKind) -> Value {
        switch v {
        case .null: return .null
        case .number, .money: return .text(ValueFormatter.human(v, kind: kind))
        default: return .text(ValueFormatter.machine(v))
        }
    }
}
