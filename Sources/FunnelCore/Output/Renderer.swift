/// The one entry point the shell calls for `--format` and `.format`, so that every
/// statement's result goes through the same choice of renderer.
public enum Renderer {
    /// `maxWidth` only affects `table`: the machine formats must never lose data to the
    /// width of whoever ran the command.
    public static func render(_ t: ResultTable, as format: OutputFormat, maxWidth: Int? = nil) -> String {
        switch format {
        case .table: return TableRenderer.render(t, maxWidth: maxWidth)
        case .csv: return DelimitedRenderer.csv(t)
        case .tsv: return DelimitedRenderer.tsv(t)
        case .json: return JSONRenderer.render(t)
        case .markdown: return MarkdownRenderer.render(t)
        }
    }
}
