/// How a result column is shown: the renderers format by kind, so a rate is a fraction in
/// JSON and a percentage in a table, and money gets thousands separators.
public enum ColumnKind: String, Sendable {
    case text
    case integer
    case number
    /// Amounts: thousands separators in tables.
    case money
    /// A fraction 0...1: `42.5%` in tables (one decimal), the fraction in JSON and CSV.
    case rate
    /// Day counts: one decimal in tables.
    case days
    case date
    case bool
}

public struct ResultColumn: Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    /// The currency of a money column, shown after its name in tables (`amount (USD)`);
    /// JSON and CSV keep the bare name as their key.
    public var unit: String?
    public init(_ name: String, _ kind: ColumnKind) { self.name = name; self.kind = kind }
}

/// What a query returns: named, typed columns and rows of values. `total` is a summary row
/// shown by tables and markdown only (JSON and CSV carry the groups alone).
public struct ResultTable: Sendable, Equatable {
    public var columns: [ResultColumn]
    public var rows: [[Value]]
    public var total: [Value]?
    public init(columns: [ResultColumn], rows: [[Value]] = [], total: [Value]? = nil) {
        self.columns = columns; self.rows = rows; self.total = total
    }
}

/// The output formats of `--format` and `.format`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, markdown, box, line

    /// The format a file written by `... to FILE` gets from its extension; nil when the
    /// extension says none. The resolver checks it before anything runs; the shell writes by it.
    public static func forFile(_ name: String) -> OutputFormat? {
        guard name.contains("."), let ext = name.split(separator: ".").last?.lowercased() else { return nil }
        switch ext {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "json": return .json
        case "md", "markdown": return .markdown
        case "txt": return .table
        default: return nil
        }
    }

    public static func unknownExtension(_ name: String, file: SourceFile?, range: SourceRange?) -> Diagnostic {
        Diagnostic(.name, "E217", "cannot tell the format of '\(name)' from its extension", file: file, range: range,
                   help: "use .csv, .tsv, .json, .md or .txt")
    }
}
