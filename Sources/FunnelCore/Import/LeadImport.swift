/// `import leads from FILE [(mapping)] [options]`. Without a mapping every column becomes a
/// lead field of the same name (an `id` column is required, `created` gives the lead's
/// date); with one, only the targets named are kept, each `target = column` or
/// `target = EXPR` over the row's columns. Rows are all-or-nothing: any failing row keeps
/// the whole file out, unless `skip errors` imports the rest and reports the failures.
///
/// Lead fields are free-form, so each column is typed by what all its cells hold: dates
/// (ISO, or the `date format`) if every non-empty cell is one, else numbers (none with a
/// leading zero, so `02134` stays a code), else true/false/yes/no, else text. Empty is empty.
final class CSVRowHolder {
    enum Kind { case date, number, bool, text }
    var cells: [String] = []
    var kinds: [Kind] = []
    let decimalComma: Bool
    let dateFormat: DateFormat?
    init(decimalComma: Bool, dateFormat: DateFormat?) { self.decimalComma = decimalComma; self.dateFormat = dateFormat }

    func value(_ i: Int) -> Value {
        guard i < cells.count else { return .null }
        let t = cells[i].trimmingSpaces()
        if t.isEmpty { return .null }
        switch i < kinds.count ? kinds[i] : .text {
        case .date: return ValueParsing.date(t, format: dateFormat).map { .date($0) } ?? .text(cells[i])
        case .number: return ValueParsing.number(t, decimalComma: decimalComma).map { .number($0) } ?? .text(cells[i])
        case .bool: return ValueParsing.bool(t).map { .bool($0) } ?? .text(cells[i])
        case .text: return .text(cells[i])
        }
    }

    /// The kind of each column over every row read.
    func inferKinds(_ rows: [[String]], columns: Int) {
        kinds = (0..<columns).map { c in
            var date = true, number = true, bool = true
            for row in rows where c < row.count {
                let t = row[c].trimmingSpaces()
                if t.isEmpty { continue }
                if date, ValueParsing.date(t, format: dateFormat) == nil { date = false }
                if number {
                    let u = Array(t.utf8)
                    let leadingZero = u.count > 1 && u[0] == UInt8(ascii: "0") && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[1])
                    if leadingZero || ValueParsing.number(t, decimalComma: decimalComma) == nil { number = false }
                }
                if bool, ValueParsing.bool(t) == nil { bool = false }
                if !date && !number && !bool { break }
            }
            return date ? .date : number ? .number : bool ? .bool : .text
        }
    }
}
