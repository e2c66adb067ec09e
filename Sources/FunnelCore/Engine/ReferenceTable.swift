/// A reference table from `import table NAME from FILE key COLUMN`: rows looked up by the
/// key column's text, read with `NAME[KEY].COLUMN` in any expression.
///
/// Columns are typed once, when the table is imported: a column whose every non-empty cell
/// reads as a number is numbers, one whose every cell reads as a date is dates, any other is
/// text. So `accounts[account].revenue > 1000` compares numbers, as an analyst expects. The
/// key column stays text, because keys like "007" must keep their zeros.
public struct ReferenceTable: Sendable, Equatable {
    public enum ColumnType: UInt8, Sendable { case text = 1, number = 2, date = 3 }

    public var name: String
    public var key: String
    public var columns: [String]
    public var types: [ColumnType]
    /// Column-major: `values[column][row]`.
    public var values: [[Value]]
    public private(set) var rowOfKey: [String: Int] = [:]

    public init(name: String, key: String, columns: [String], types: [ColumnType], values: [[Value]]) {
        self.name = name; self.key = key; self.columns = columns; self.types = types; self.values = values
        if let k = columns.firstIndex(of: key) {
            for (row, v) in values[k].enumerated() {
                if let text = Self.keyText(v), rowOfKey[text] == nil { rowOfKey[text] = row }
            }
        }
    }

    public var rowCount: Int { values.first?.count ?? 0 }

    /// The text a key value is matched by; nil for an empty key, which matches nothing.
    public static func keyText(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .text(let s): return s.isEmpty ? nil : s
        default:
            let s = ValueFormatter.machine(v)
            return s.isEmpty ? nil : s
        }
    }

    public func value(row: Int, column: Int) -> Value { values[column][row] }

    public static func == (a: ReferenceTable, b: ReferenceTable) -> Bool {
        a.name == b.name && a.key == b.key && a.columns == b.columns && a.types == b.types && a.values == b.values
    }

    /// `TABLE[KEY].COLUMN` for queries, gates and every expression over deals: no matching row
    /// gives empty, like a deal field nobody has filled in.
    static func queryLookup(state: FunnelState, file: SourceFile) -> (String, @escaping ExprCompiler.Eval, String, SourceRange) throws -> ExprCompiler.Eval {
        return { table, key, column, range in
            let (t, c) = try resolve(table: table, column: column, state: state, file: file, range: range)
            let rows = t.rowOfKey, values = t.values[c]
            return { r in
                guard let k = keyText(key(r)), let row = rows[k] else { return .null }
                return values[row]
            }
        }
    }

    /// The table and column index a lookup names, or an error with what there is instead.
    static func resolve(table: String, column: String, state: FunnelState, file: SourceFile, range: SourceRange) throws -> (ReferenceTable, Int) {
        guard let t = state.tables[table] else {
            throw Diagnostic(.runtime, "I014", "there is no table '\(table)'", file: file, range: range,
                             help: Suggest.closest(to: table, in: Array(state.tables.keys)).map { "did you mean '\($0)'?" }
                                ?? "import it first: import table \(table) from \"file.csv\" key COLUMN")
        }
        guard let c = t.columns.firstIndex(of: column) else {
            throw Diagnostic(.runtime, "I014", "table '\(table)' has no column '\(column)'", file: file, range: range,
                             help: Suggest.closest(to: column, in: t.columns).map { "did you mean '\($0)'?" }
                                ?? "its columns are: " + t.columns.joined(separator: ", "))
        }
        return (t, c)
    }
}
