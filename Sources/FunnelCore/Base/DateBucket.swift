/// `FIELD.week|month|quarter|year`: weeks are named by their Monday, months `2026-03`,
/// quarters `2026-Q2`, years `2026` — each sorts in time order as it is.
public enum DateBucket {
    public static func value(of d: Int32, part: String) -> Value {
        let c = Calendar.civil(d)
        switch part {
        case "week": return .date(Calendar.startOfWeek(d))
        case "month": return .text(Calendar.pad(c.year, 4) + "-" + Calendar.pad(c.month, 2))
        case "quarter": return .text(Calendar.pad(c.year, 4) + "-Q\((c.month - 1) / 3 + 1)")
        case "year": return .text(Calendar.pad(c.year, 4))
        default: return .null
        }
    }
}
