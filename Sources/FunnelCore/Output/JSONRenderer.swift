/// `--format json`: each result is one line holding an array of objects, one per row, so a
/// script's output can be read line by line (`jq -c`, JSON Lines tools). Keys follow the
/// column order because readers compare output by eye and in golden tests. The total row is
/// left out: consumers aggregate for themselves.
public enum JSONRenderer {
    public static func render(_ t: ResultTable) -> String {
        var out = "["
        for (r, row) in t.rows.enumerated() {
            if r > 0 { out += "," }
            out += "{"
            for (i, column) in t.columns.enumerated() {
                if i > 0 { out += "," }
                out += string(column.name) + ":" + value(ValueFormatter.cell(row, i))
            }
            out += "}"
        }
        return out + "]"
    }

    /// Rates stay fractions and amounts keep every digit: JSON is for programs, which
    /// should not have to undo the table's rounding.
    static func value(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return ValueFormatter.machineNumber(x) ?? "null"
        case .money(let m): return m.plain
        case .text(let s): return string(s)
        case .date(let d): return "\"" + Calendar.format(d) + "\""
        case .list(let items): return "[" + items.map(value).joined(separator: ",") + "]"
        }
    }

    /// RFC 8259: non-ASCII stays raw UTF-8 so Chinese stays readable; the five controls
    /// with a short escape use it and the rest become `\u00XX`.
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16, uppercase: false)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
