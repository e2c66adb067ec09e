/// CSV and TSV for spreadsheets and shell pipelines: a header row, then one line per row,
/// values in machine form (`ValueFormatter.machine`). The total row is left out because a
/// program summing the column would count it twice.
public enum DelimitedRenderer {
    /// RFC 4180, except that lines end in `\n`: every tool that reads CSV accepts it and
    /// the output then diffs cleanly with the rest of the project's text.
    public static func csv(_ t: ResultTable, lineEnd: String = "\n") -> String {
        // A lone empty field would make a blank line, which readers skip as no record.
        let lone = t.columns.count == 1
        return render(t, separator: ",", lineEnd: lineEnd) { field in
            if lone && field.isEmpty { return "\"\"" }
            guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
            else { return field }
            var out = "\""
            for ch in field.unicodeScalars {
                if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
            }
            return out + "\""
        }
    }

    /// A `.csv` file as `export` and `... to "x.csv"` write it, for spreadsheets: RFC 4180 to
    /// the letter (every line ends in CRLF), and a UTF-8 byte order mark when the file has
    /// any non-ASCII text, without which Excel reads UTF-8 as the system's code page (Chinese
    /// text turns to mojibake). An ASCII-only file has no mark, so it stays plain ASCII for
    /// every other tool. funnel's own import skips the mark. `bom` (`export ... bom` or
    /// `no bom`) writes the mark always or never.
    public static func csvFile(_ t: ResultTable, bom wanted: Bool? = nil) -> String {
        let text = csv(t, lineEnd: "\r\n")
        let bom = (wanted ?? text.utf8.contains(where: { $0 >= 0x80 })) ? "\u{FEFF}" : ""
        return text.isEmpty ? "" : bom + text + "\r\n"
    }

    /// Tab-separated with backslash escapes (the convention of PostgreSQL's text format and
    /// `mysql --batch`), so that one record is always one line and `cut -f` works.
    public static func tsv(_ t: ResultTable) -> String {
        render(t, separator: "\t", lineEnd: "\n") { field in
            guard field.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C })
            else { return field }
            var out = ""
            for u in field.unicodeScalars {
                switch u {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(u)
                }
            }
            return out
        }
    }

    private static func render(_ t: ResultTable, separator: String, lineEnd: String, quote: (String) -> String) -> String {
        guard !t.columns.isEmpty else { return "" }
        var lines = [t.columns.map { quote($0.name) }.joined(separator: separator)]
        for row in t.rows {
            lines.append(t.columns.indices.map {
                quote(ValueFormatter.machine(ValueFormatter.cell(row, $0)))
            }.joined(separator: separator))
        }
        return lines.joined(separator: lineEnd)
    }
}
