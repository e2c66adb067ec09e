/// Proleptic Gregorian dates as day numbers (0 = 1970-01-01). Day resolution is all the
/// metrics need (METRICS.md), and integer days keep comparisons and columns cheap.
public enum Calendar {
    public struct Civil: Equatable, Sendable { public var year: Int; public var month: Int; public var day: Int }

    /// Howard Hinnant's days_from_civil.
    public static func day(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146097 + doe - 719468)
    }

    public static func civil(_ dayNumber: Int32) -> Civil {
        let z = Int(dayNumber) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return Civil(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The first and last days funnel keeps: four-digit years, as `YYYY-MM-DD` writes them.
    public static let firstDay: Int32 = day(year: 1, month: 1, day: 1)
    public static let lastDay: Int32 = day(year: 9999, month: 12, day: 31)

    /// True for a day between 0001-01-01 and 9999-12-31; any other cannot be written as
    /// `YYYY-MM-DD`, so it can be computed but never stored.
    public static func isStorable(_ dayNumber: Int32) -> Bool { dayNumber >= firstDay && dayNumber <= lastDay }

    /// A validated date; nil for `2026-02-30` and other days that do not exist.
    public static func validDay(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        return self.day(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    public static func format(_ dayNumber: Int32) -> String {
        let c = civil(dayNumber)
        // Every journal line holds dates: a year of four digits is written byte by byte, as
        // the padding below would give it, without building five strings.
        guard (0...9999).contains(c.year) else { return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2) }
        return String(unsafeUninitializedCapacity: 10) { b in
            func put(_ v: Int, at i: Int, width: Int) {
                var v = v
                for k in stride(from: i + width - 1, through: i, by: -1) { b[k] = UInt8(48 + v % 10); v /= 10 }
            }
            put(c.year, at: 0, width: 4)
            b[4] = 45
            put(c.month, at: 5, width: 2)
            b[7] = 45
            put(c.day, at: 8, width: 2)
            return 10
        }
    }

    /// Parses `YYYY-MM-DD` exactly; nil when malformed or not a real day.
    public static func parseISO(_ s: some StringProtocol) -> Int32? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        guard let y = digits(u[0..<4]), let m = digits(u[5..<7]), let d = digits(u[8..<10]) else { return nil }
        return validDay(year: y, month: m, day: d)
    }

    static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for b in s { guard b >= 48, b <= 57 else { return nil }; v = v * 10 + Int(b - 48) }
        return v
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    public static func addMonths(_ dayNumber: Int32, _ months: Int) -> Int32 {
        let c = civil(dayNumber)
        let total = c.year * 12 + (c.month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return day(year: y, month: m, day: min(c.day, daysInMonth(year: y, month: m)))
    }

    /// Monday-based ISO weekday, 1...7.
    public static func weekday(_ dayNumber: Int32) -> Int {
        // 1970-01-01 was a Thursday (4).
        let w = (Int(dayNumber) % 7 + 7) % 7
        return (w + 3) % 7 + 1
    }

    public static func startOfWeek(_ d: Int32) -> Int32 { d - Int32(weekday(d) - 1) }
    public static func startOfMonth(_ d: Int32) -> Int32 { let c = civil(d); return day(year: c.year, month: c.month, day: 1) }
    public static func startOfQuarter(_ d: Int32) -> Int32 {
        let c = civil(d); return day(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1)
    }
    public static func startOfYear(_ d: Int32) -> Int32 { day(year: civil(d).year, month: 1, day: 1) }

    /// Today's date from the system clock (UTC), used only when no `--today` is given.
    public static func systemToday() -> Int32 {
        Int32((Double(time(nil)) / 86400).rounded(.down))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
