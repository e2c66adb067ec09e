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
}
