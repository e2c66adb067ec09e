/// Turns a `during` window into a half-open day range [start, end).
/// `2026-Q1` is the quarter, `2026-03` the month, `2026` the year, a date that one day;
/// `A to B` runs from the start of A up to (not including) the start of B; `last 90 days`
/// is the 90 days ending today, today included; `this|last|next quarter` are calendar
/// periods around today.
public enum WindowRange {
    public static func resolve(_ w: Window, today: Int32, file: SourceFile) throws -> (Int32, Int32) {
        switch w.kind {
        case .literal(let e):
            return try period(e, today: today, file: file)
        case .between(let a, let b):
            let lo = try period(a, today: today, file: file).0
            let hi = try period(b, today: today, file: file).0
            guard lo <= hi else {
                throw Diagnostic(.runtime, "R120", "the window ends before it starts", file: file, range: w.range)
            }
            return (lo, hi)
        case .relative(let offset, let unit):
            switch unit {
            case .weeks:
                let s = Calendar.startOfWeek(today) + Int32(7 * offset)
                return (s, s + 7)
            case .months:
                let s = Calendar.addMonths(Calendar.startOfMonth(today), offset)
                return (s, Calendar.addMonths(s, 1))
            case .quarters:
                let s = Calendar.addMonths(Calendar.startOfQuarter(today), 3 * offset)
                return (s, Calendar.addMonths(s, 3))
            case .years, .days:
                let s = Calendar.addMonths(Calendar.startOfYear(today), 12 * offset)
                return (s, Calendar.addMonths(s, 12))
            }
        case .lastN(let d):
            let days: Int32
            switch d.unit {
            case .days: days = Int32(d.count)
            case .weeks: days = Int32(d.count * 7)
            case .months: return (Calendar.addMonths(today + 1, -d.count), today + 1)
            case .quarters: return (Calendar.addMonths(today + 1, -3 * d.count), today + 1)
            case .years: return (Calendar.addMonths(today + 1, -12 * d.count), today + 1)
            }
            return (today + 1 - days, today + 1)
        }
    }

    static func period(_ e: Expr, today: Int32, file: SourceFile) throws -> (Int32, Int32) {
        switch e.kind {
        case .date(let d): return (d, d + 1)
        case .today: return (today, today + 1)
        case .month(let y, let m):
            let s = Calendar.day(year: y, month: m, day: 1)
            return (s, Calendar.addMonths(s, 1))
        case .quarter(let y, let q):
            let s = Calendar.day(year: y, month: (q - 1) * 3 + 1, day: 1)
            return (s, Calendar.addMonths(s, 3))
        case .number(let n) where n == n.rounded() && n >= 1 && n <= 9999:
            let s = Calendar.day(year: Int(n), month: 1, day: 1)
            return (s, Calendar.addMonths(s, 12))
        default:
            throw Diagnostic(.type, "E306", "\(file.text(e.range)) is not a period", file: file, range: e.range,
                             help: "a window is a year (2026), a quarter (2026-Q1), a month (2026-03) or a date")
        }
    }
}
