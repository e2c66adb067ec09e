/// The rates of a dated table (`currency USD rates fx.ConversionRate for IsoCode from
/// StartDate [until NextStartDate]`, Salesforce's DatedConversionRate): for each currency, the
/// periods of its rates sorted by their first day. A rate is in effect from its start day up to
/// the day before its end (Salesforce's NextStartDate is the next rate's first day); without an
/// end column, up to the next rate's start.
struct DatedRates {
    struct Period: Equatable {
        var start: Int32
        /// The first day the rate no longer holds; nil for open-ended.
        var end: Int32?
        var rate: Double
    }

    enum Lookup: Equatable {
        case rate(Double)
        /// The currency has no rate in the table at all.
        case noRate
        /// The day is before the currency's first rate.
        case before(first: Int32)
        /// The day is past the end of the latest rate that started before it.
        case ended(Period)
    }

    private(set) var periods: [String: [Period]] = [:]

    /// Reads the table; a table that cannot give one rate per day (a start that is not a date,
    /// a rate that is not a positive number, two rates of a currency from the same day) is
    /// error R711 naming the cell, never a figure from a guessed rate.
    init(table: ReferenceTable, currency: ReportingCurrency, file: SourceFile, range: SourceRange) throws {
        func column(_ name: String?) -> Int? { name.flatMap { table.columns.firstIndex(of: $0) } }
        func fail(_ message: String, help: String) -> Diagnostic {
            Diagnostic(.runtime, "R711", message, file: file, range: range, help: help)
        }
        let name = table.name
        guard let rateColumn = column(currency.column), let codeColumn = column(currency.codeColumn),
              let startColumn = column(currency.startColumn) else {
            throw fail("table \(name) does not have the columns currency \(currency.code) names",
                       help: "its columns are: " + table.columns.joined(separator: ", "))
        }
        let endColumn = column(currency.endColumn)
        for (c, what) in [(startColumn, "the day each rate starts"), (endColumn, "the day each rate ends")] {
            guard let c, table.types[c] != .date, table.rowCount > 0 else { continue }
            guard table.values[c].contains(where: { $0 != .null }) else { continue }
            throw fail("column \(table.columns[c]) of table \(name) is not dates, so it cannot give \(what)",
                       help: "every cell of \(table.columns[c]) must be a date (YYYY-MM-DD, or import the table with date format \"...\")")
        }
        for row in 0..<table.rowCount {
            guard let code = ReferenceTable.keyText(table.value(row: row, column: codeColumn)) else { continue }
            guard case .date(let start) = table.value(row: row, column: startColumn) else {
                throw fail("table \(name) has a rate for \(code) with no \(table.columns[startColumn])",
                           help: "give every rate the day it starts (Salesforce's first period starts 0001-01-01)")
            }
            guard let rate = table.value(row: row, column: rateColumn).number, rate > 0, rate.isFinite else {
                throw fail("table \(name)'s \(table.columns[rateColumn]) for \(code) from \(Calendar.format(start)) is not a positive number",
                           help: "a rate is units of \(code) per one \(currency.code), like 17.25")
            }
            var end: Int32?
            if let endColumn, case .date(let e) = table.value(row: row, column: endColumn) { end = e }
            if let end, end <= start {
                throw fail("table \(name)'s rate for \(code) from \(Calendar.format(start)) ends on \(Calendar.format(end)), before it starts",
                           help: "\(table.columns[endColumn ?? startColumn]) is the first day the rate no longer holds, after \(table.columns[startColumn])")
            }
            if periods[code, default: []].contains(where: { $0.start == start }) {
                throw fail("table \(name) has two rates for \(code) from \(Calendar.format(start))",
                           help: "keep one rate per currency and start day")
            }
            periods[code, default: []].append(Period(start: start, end: end, rate: rate))
        }
        for code in periods.keys { periods[code]?.sort { $0.start < $1.start } }
    }

    /// The rate of `code` in effect on `day`: the latest that started on or before it, unless
    /// that one ended before it.
    func lookup(_ code: String, on day: Int32) -> Lookup {
        guard let list = periods[code], let first = list.first else { return .noRate }
        guard day >= first.start else { return .before(first: first.start) }
        // The last period whose start is on or before the day.
        var lo = 0, hi = list.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if list[mid].start <= day { lo = mid } else { hi = mid }
        }
        let p = list[lo]
        if let end = p.end, day >= end { return .ended(p) }
        return .rate(p.rate)
    }
}
