/// What running one statement produced, for the shell to show.
public enum StatementOutput: Sendable, Equatable {
    case none
    case table(ResultTable)
    /// Preformatted text (show funnel, charts, explanations).
    case text(String)
    /// A short confirmation, e.g. of an import or an export written to a file.
    case message(String)
    /// A bar chart of a result: table format draws it, other formats print the table.
    case chart(ResultTable, labelColumns: [Int], valueColumn: Int, title: String)
    /// A session command for the shell to carry out.
    case sessionCommand(String)
    /// An output with warnings to report beside it (a statement that went on past problems:
    /// the rows `skip errors` left out, a deal `check rules` could not evaluate a rule for).
    indirect case withWarnings(StatementOutput, [Diagnostic])
}
