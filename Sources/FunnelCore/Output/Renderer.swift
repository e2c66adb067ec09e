/// The one entry point the shell calls for `--format` and `.format`, so that every
/// statement's result goes through the same choice of renderer.
public enum Renderer {
    /// `maxWidth` only affects `table`: the machine formats must never lose data to the
    /// width of whoever ran the command.
    /// `headers: false` (`.headers off`) leaves out the header of table, box, csv and tsv;
    /// markdown needs its header to be a table, json and line name every value anyway.
    public static func render(_ t: ResultTable, as format: OutputFormat, maxWidth: Int? = nil, headers: Bool = true) -> String {
        switch format {
        case .table:
            let text = TableRenderer.render(t, maxWidth: maxWidth)
            return headers ? text : dropLines(text, 2)
        case .box: return BoxRenderer.render(t, headers: headers)
        case .line: return LineRenderer.render(t)
        case .csv: return headers ? DelimitedRenderer.csv(t) : dropLines(DelimitedRenderer.csv(t), 1)
        case .tsv: return headers ? DelimitedRenderer.tsv(t) : dropLines(DelimitedRenderer.tsv(t), 1)
        case .json: return JSONRenderer.render(t)
        case .markdown: return MarkdownRenderer.render(t)
        }
    }

    /// Header cells are column names, which never hold a line break, so the header is
    /// whole lines.
    static func dropLines(_ text: String, _ n: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(n).joined(separator: "\n")
    }
}
