/// What the language knows about its statements as a whole: the words they start with and
/// which of them change the store. Queries are described in `QuerySpec.all`; this list holds
/// the other statements, so "did you mean", completion and help read one list.
public enum StatementCatalog {
    /// The first words of the statements that are not queries, in the order help lists them.
    public static let statementWords = [
        "field", "funnel", "rule", "deal", "set", "move", "win", "lose", "reopen", "lead", "leads",
        "qualify", "disqualify", "convert", "import", "export", "why", "done", "ack", "check", "chart",
        "report", "show", "delete", "restore", "rename", "undo", "currency", "person", "quota", "submit", "deliver",
    ]

    /// Every word a statement can start with: the statements', then the queries'.
    public static let leadingWords: [String] = {
        var out = statementWords
        for w in QuerySpec.leadingWords where !out.contains(w) { out.append(w) }
        return out
    }()

    /// What follows `import` (`import deals from ...`): the import parser's sources.
    public static let importKinds = ["deals", "history", "leads", "table", "people", "quotas"]

    /// What follows `show` as a statement (`show funnel NAME`, `show fields`, ...).
    public static let showObjects = ["funnel", "funnels", "fields", "rules", "tables"]
}

extension StatementKind {
    /// Whether running the statement records events, so a run that has one must take the
    /// store's writer lock and commit. Queries, `show`, `why` and charts only read.
    public var writes: Bool {
        switch self {
        case .field, .funnel, .rule, .leadGate, .deal, .setDeal, .move, .win, .lose, .closeAs, .currency, .reopen, .lead, .qualify,
             .disqualify, .convert, .importData, .doneTask, .ack, .checkRules, .deleteDeal, .restoreDeal, .stageMap, .undo, .people:
            return true
        case .dotCommand(let text):
            return DotCommand.writes(text)
        case .export, .why, .checkDesign, .query, .chartFunnel, .chart, .report, .showFunnel, .showFields, .showFunnels, .showRules,
             .showTables:
            return false
        }
    }
}
