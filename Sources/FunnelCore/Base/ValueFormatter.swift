/// One value as text, in two registers: for people (tables, markdown), where figures are
/// rounded and grouped so columns can be scanned, and for machines (csv, tsv), where figures
/// keep their full precision and a spreadsheet or script can read them back unchanged.
public enum ValueFormatter {
    /// The choices that depend on a whole column rather than on one value.
    public struct ColumnStyle: Sendable, Equatable {
        public var kind: ColumnKind
        /// Money shows cents on every amount of a table as soon as one amount has them, so
        /// that a column lines up on the decimal point and `commit 0` never sits beside
        /// `best_case 0.00`.
        public var showsCents: Bool
        public init(kind: ColumnKind, showsCents: Bool = false) {
            self.kind = kind; self.showsCents = showsCents
        }
    }

    /// Styles for each column, looking at the rows and the total together because they
    /// are printed in one column.
    public static func styles(for t: ResultTable) -> [ColumnStyle] {
        let money = t.columns.indices.filter { t.columns[$0].kind == .money }
        let rows = t.rows + (t.total.map { [$0] } ?? [])
        let cents = money.contains { i in rows.contains { hasCents(cell($0, i)) } }
        return t.columns.map { c in ColumnStyle(kind: c.kind, showsCents: c.kind == .money && cents) }
    }

    /// The human text of a value on its own, as if its column held nothing else.
    public static func human(_ v: Value, kind: ColumnKind) -> String {
        human(v, style: ColumnStyle(kind: kind, showsCents: kind == .money && hasCents(v)))
    }

    public static func human(_ v: Value, style: ColumnStyle) -> String {
        switch v {
        case .null: return "-"
        case .text(let s): return escapeControls(s)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return Calendar.format(d)
        case .list(let items): return items.map { human($0, style: style) }.joined(separator: ", ")
        case .money(let m):
            switch style.kind {
            case .money: return m.grouped(cents: style.showsCents)
            case .integer: return m.grouped(cents: false)
            case .rate, .days: return human(.number(m.double), style: style)
            case .number, .text, .date, .bool:
                var t = m.grouped(cents: true)
                while t.hasSuffix("0") { t.removeLast() }
                if t.hasSuffix(".") { t.removeLast() }
                return t
            }
        case .number(let x):
            guard let d = DecimalText(x) else { return "-" }
            switch style.kind {
            case .money: return grouped(d.rounded(places: style.showsCents ? 2 : 0))
            case .integer: return grouped(d.rounded(places: 0))
            case .rate: return grouped(d.shifted(by: 2).rounded(places: 1)) + "%"
            case .days: return grouped(d.rounded(places: 1))
            case .number, .text, .date, .bool:
                var r = d.rounded(places: 2)
                while r.digits.count > r.point, r.digits.last == 0 { r.digits.removeLast() }
                return grouped(r)
            }
        }
    }

    /// The machine text of a value. The column kind plays no part: machines get the
    /// fraction behind a rate and every digit of an amount, not the rounded display.
    public static func machine(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case .text(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return Calendar.format(d)
        case .number(let x): return machineNumber(x) ?? ""
        case .money(let m): return m.plain
        case .list(let items): return items.map(machine).joined(separator: ", ")
        }
    }

    /// A number as csv, tsv and JSON write it; nil for NaN and infinities, which none of
    /// them can express. Integers that a Double holds exactly print without a fraction;
    /// everything else is the shortest text that reads back as the same Double, in plain
    /// notation over the range where amounts and rates live (exponents there confuse
    /// spreadsheets and people), with Swift's exponent form only beyond it.
    public static func machineNumber(_ x: Double) -> String? {
        let x = significant15(x)
        guard let d = DecimalText(x) else { return nil }
        let m = x.magnitude
        let exactIntegers = 9_007_199_254_740_992.0  // 2^53
        if m <= exactIntegers, x.rounded(.towardZero) == x { return d.plain }
        if m >= 1e-6, m <= 1e15 { return d.plain }
        return x.description
    }

    /// Rounds to 15 significant digits, the precision a Double holds for any decimal, so
    /// arithmetic noise (0.1 + 0.2 = 0.30000000000000004) does not reach CSV or JSON.
    static func significant15(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        var exponent = 0
        var m = x.magnitude
        while m >= 10 { m /= 10; exponent += 1 }
        while m < 1 { m *= 10; exponent -= 1 }
        let shift = 14 - exponent
        guard shift > 0, shift < 300 else { return x }
        var scale = 1.0
        for _ in 0..<shift { scale *= 10 }
        guard scale.isFinite, (x * scale).magnitude < 9e15 else { return x }
        let rounded = (x * scale).rounded() / scale
        return rounded.isFinite ? rounded : x
    }

    /// Control characters spelled as Swift escapes so that a value can never break a line
    /// of a table or move the cursor. Backslashes are left alone to keep paths readable.
    public static func escapeControls(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where isControl(u): out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Header and cells of a whole table in human form; a row shorter than the columns is
    /// padded with nulls rather than trapping, and extra values are ignored.
    static func humanCells(_ t: ResultTable) -> (header: [String], rows: [[String]], total: [String]?) {
        let styles = styles(for: t)
        func line(_ row: [Value]) -> [String] { styles.indices.map { human(cell(row, $0), style: styles[$0]) } }
        return (t.columns.map { c in escapeControls(c.unit.map { "\(c.name) (\($0))" } ?? c.name) }, t.rows.map(line), t.total.map(line))
    }

    static func cell(_ row: [Value], _ i: Int) -> Value { row.indices.contains(i) ? row[i] : .null }

    /// C0, DEL and C1 controls plus the Unicode line and paragraph separators, all of which
    /// a terminal may treat as a line break or a command.
    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
    }

    private static func hasCents(_ v: Value) -> Bool {
        switch v {
        case .number(let x):
            guard let r = DecimalText(x)?.rounded(places: 2) else { return false }
            return r.digits[r.point...].contains { $0 != 0 }
        case .money(let m): return m.hasCents
        case .list(let items): return items.contains(where: hasCents)
        default: return false
        }
    }

    /// Sign, integer digits in groups of three, and the fraction digits as given.
    private static func grouped(_ d: DecimalText) -> String {
        let int = Array(d.integerDigits)
        var out = d.negative && !d.isZero ? "-" : ""
        for (i, c) in int.enumerated() {
            if i > 0, (int.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        let frac = d.fractionDigits
        return frac.isEmpty ? out : out + "." + frac
    }
}
