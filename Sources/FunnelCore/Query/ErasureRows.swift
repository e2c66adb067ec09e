/// What taking mistakes back adds to a deal's history (`history of deal`, `deals changed`):
/// each deletion of the deal that a restore took back, with its reason, the restore, and
/// each undo that took back changes of it, saying which. A deletion no restore took back
/// leaves no deal to list: the deal is in no report (`history of deal` says when and why).
/// Rows of one log position sort after the field changes of that position, as stage rows do.
struct ErasureRows {
    struct Row {
        var day: Int32
        /// Sorts with the histories' rows: the log position × 2 + 1.
        var order: Int
        var field: String
        var old: Value
        var new: Value
        var recordedBy: Value
    }

    let erasure: Erasure
    let catalog: Catalog

    /// The rows of the deal that has `id` now.
    func rows(of id: String) -> [Row] {
        var out: [Row] = []
        for d in erasure.deletions where d.id == id && d.ofLiveDeal {
            out.append(Row(day: d.day, order: d.position * 2 + 1, field: "deleted", old: .null, new: .text(d.reason),
                           recordedBy: Self.text(d.origin)))
            if let day = d.restoredOn, let position = d.restorePosition {
                out.append(Row(day: day, order: position * 2 + 1, field: "restored", old: .null, new: .null,
                               recordedBy: Self.text(d.restoredBy)))
            }
        }
        for u in erasure.undos {
            guard let taken = u.taken[id] else { continue }
            let what = taken.map { t in describe(t.event) + (t.day == u.day ? "" : " on \(Calendar.format(t.day))") }
            out.append(Row(day: u.day, order: u.position * 2 + 1, field: "undone", old: .text(what.joined(separator: "; ")), new: .null,
                           recordedBy: Self.text(u.origin)))
        }
        return out
    }

    /// The ids with rows, for a listing of every deal's changes.
    var ids: Set<String> {
        Set(erasure.deletions.filter(\.ofLiveDeal).map(\.id)).union(erasure.undos.flatMap(\.taken.keys))
    }

    static func text(_ s: String?) -> Value { s.map { .text($0) } ?? .null }

    /// A taken-back change in words, its values as the history shows them.
    func describe(_ e: DomainEvent) -> String {
        func value(_ name: String, _ v: Value) -> String {
            let shown = DealHistoryReport.shown(v, DealHistoryReport.kind(of: name, catalog: catalog))
            if case .text(let t) = shown { return t }
            return "empty"
        }
        switch e {
        case let .dealCreated(_, _, stage, _): return "created in \(stage)"
        case let .fieldsSet(_, fields): return fields.map { "\($0.name) = \(value($0.name, $0.value))" }.joined(separator: ", ")
        case let .moved(_, to, forced): return "moved to \(to)" + (forced.map { " (forced: \($0))" } ?? "")
        case .won: return "won"
        case .lost: return "lost"
        case let .reopened(_, to): return "reopened in \(to)"
        case let .closedAs(_, stage, _): return "closed as \(stage)"
        case let .dealDeleted(_, reason): return "deleted (\(reason))"
        case .dealRestored: return "restored"
        default: return e.summary
        }
    }
}
