import FunnelCore

/// One line saying what a change did, shown in the REPL (scripts stay quiet, like sqlite3's),
/// so a person typing `move deal ...` sees that it worked.
enum Confirmation {
    static func text(for s: Statement, file: SourceFile) -> String? {
        func id(_ e: Expr) -> String { if case .string(let v) = e.kind { return "\"\(v)\"" }; return file.text(e.range) }
        switch s.kind {
        case .field(let d): return "field \(d.name.text) declared"
        case .funnel(let d): return "funnel \(d.name.text) declared"
        case .rule(let d): return "rule \(d.name.text) declared"
        case .currency(let code, _, _, _): return "reporting currency \(code.text)"
        case .leadGate: return "lead qualification gate declared"
        case .deal(let d, _, _, _): return "deal \(id(d)) created"
        case .setDeal(let d, let a, _): return "deal \(id(d)): " + a.map(\.field.text).joined(separator: ", ") + " set"
        case .move(let d, let to, let force, _): return "deal \(id(d)) moved to \(to.text)" + (force == nil ? "" : " (forced)")
        case .win(let d, _): return "deal \(id(d)) won"
        case .lose(let d, _, _): return "deal \(id(d)) lost"
        case .closeAs(let d, let won, let stage, _, _): return "deal \(id(d)) \(won ? "won" : "lost") as \(stage.text)"
        case .reopen(let d, _, _): return "deal \(id(d)) reopened"
        case .restoreDeal(let d): return "deal \(id(d)) restored"
        default: return nil
        }
    }
}
