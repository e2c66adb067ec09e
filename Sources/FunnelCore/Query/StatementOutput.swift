/// What running one statement produced, for the shell to show.
public enum StatementOutput: Sendable, Equatable {
    case none
    case table(ResultTable)
    /// Preformatted text (show funnel, charts, explanations).
    case text(String)
    /// A short confirmation, e.g. of an import or an export written to a file.
    case message(String)
    /// A chart of a result: table format draws it (or `to "file.svg"` writes it), other
    /// formats print its table.
    case chart(Chart)
    /// The pipeline report, for the shell to write as one HTML file.
    case report(ReportPage)
    /// A session command for the shell to carry out.
    case sessionCommand(String)
    /// An output with warnings to report beside it (a statement that went on past problems:
    /// the rows `skip errors` left out, a deal `check rules` could not evaluate a rule for).
    indirect case withWarnings(StatementOutput, [Diagnostic])
}
