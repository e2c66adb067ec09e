/// The one entry point the shell calls for `--format` and `.format`, so that every
/// statement's result goes through the same choice of renderer.
public enum Renderer {
    /// `maxWidth` only affects `table`: the machine formats must never lose data to the
    /// width of whoever ran the command.
    /// `headers: false` (`.headers off`) leaves out the header of table, box, csv and tsv;
    /// markdown needs its header to be a table, json and line name every value anyway.
    public static func render(_ t: ResultTable, as format: OutputFormat, maxWidth: Int? = nil, headers: Bool = true) -> String {
        var options = RenderOptions()
        options.maxWidth = maxWidth
        options.headers = headers
        return render(t, as: format, options: options)
    }

    public static func render(_ t: ResultTable, as format: OutputFormat, options: RenderOptions) -> String {
        let headers = options.headers
        var t = t
        // JSON has its own null; every other format shows the session's text for one.
        if let text = options.nullText, format != .json { t = t.replacingNulls(with: text) }
        switch format {
        case .table:
            let text = TableRenderer.render(t, maxWidth: options.maxWidth, widths: options.widths)
            return headers ? text : dropLines(text, 2)
        case .box: return BoxRenderer.render(t, headers: headers, widths: options.widths)
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

/// How the session wants results drawn: the terminal's width, `.headers`, `.nullvalue`, `.width`.
public struct RenderOptions: Sendable, Equatable {
    /// The terminal width `table` output fits into, when there is a terminal.
    public var maxWidth: Int?
    public var headers = true
    /// `.nullvalue TEXT`: what an empty value shows as (table: `-`, csv and tsv: nothing).
    public var nullText: String?
    /// `.width N ...`: the widths of the first columns of table and box output, in terminal
    /// columns; 0 keeps a column's own width. Text is cut to fit; a figure never is.
    public var widths: [Int] = []
    public init() {}
}

extension ResultTable {
    func replacingNulls(with text: String) -> ResultTable {
        func row(_ r: [Value]) -> [Value] { r.map { $0.isNull ? .text(text) : $0 } }
        return ResultTable(columns: columns, rows: rows.map(row), total: total.map(row))
    }
}
