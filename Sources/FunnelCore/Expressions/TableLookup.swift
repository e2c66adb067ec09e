/// Lookups in reference tables from expressions: `teams[owner].manager`.
extension ReferenceTable {
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
