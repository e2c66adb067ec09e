/// The history listings in the query registry beyond one deal's history: every recorded
/// change of every deal in a period (its kernel: Query/Reports/DealChangesReport.swift).
extension QuerySpec {
    static let historySpecs: [QuerySpec] = [
        QuerySpec(.dealChanges, ["deals", "changed"], argument: .since,
                  columns: [("at", .date), ("id", .text), ("field", .text), ("old", .text), ("new", .text), ("recorded_by", .text)],
                  refusals: [Refusal(clause: .by, message: "deals changed lists one row per change and takes no by",
                                     help: "for the changes per group, write: changes since 2026-03-01 by owner")],
                  usage: "deals changed since DATE | deals changed during WINDOW [show at, id, field, old, new, recorded_by]"),
    ]
}
