/// Turns CSV cells into numbers, dates and booleans.
///
/// Every parser works on bytes, so a million-row import makes no Strings for typed columns; the
/// String overloads are for callers that already have text. Each parser trims surrounding spaces
/// and tabs, because exports pad cells, and returns nil rather than guessing, because the importer
/// reports a nil with the row's line and a wrong guess would be stored silently.
public enum ValueParsing {

    // MARK: - Numbers

    /// Accepts `1234`, `-12.5`, `.5`, `1,234.50`, `1.5e3`, an optional currency sign (`$ € £ ¥`,
    /// before or after the digits), a sign before or after a leading currency sign, and `25%`
    /// (0.25). With `decimalComma` the roles of `,` and `.` swap (`1.234,50`, `1234,5`).
    /// Thousands separators must group by three, so a number written for the other convention
    /// (`1.5` with `decimalComma`) is refused instead of read a thousand times too large.
    /// Magnitudes beyond 1e300 are refused: they are never amounts and would overflow sums.
    public static func number(_ b: UnsafeBufferPointer<UInt8>, decimalComma: Bool = false) -> Double? {
        guard let n = scanNumber(b, decimalComma: decimalComma) else { return nil }
        let (mantissa, exact, scale) = (n.mantissa, n.exact, n.exp10 + n.exponent)
        var value: Double
        if exact && mantissa < (1 << 53) && scale >= -22 && scale <= 22 {
            // Clinger's fast path: both operands are exact, so one IEEE operation rounds correctly.
            value = Double(mantissa)
            if scale < 0 { value /= powersOf10[-scale] } else { value *= powersOf10[scale] }
        } else {
            var text: [UInt8] = []
            text.reserveCapacity(n.intEnd - n.intStart + n.fracEnd - n.fracStart + 10)
            for k in n.intStart..<n.intEnd where b[k] != n.group { text.append(b[k]) }
            if n.intDigits == 0 { text.append(UInt8(ascii: "0")) }
            if n.fracEnd > n.fracStart {
                text.append(UInt8(ascii: "."))
                for k in n.fracStart..<n.fracEnd { text.append(b[k]) }
            }
            text.append(UInt8(ascii: "e"))
            text.append(contentsOf: String(n.exponent).utf8)
            guard let v = Double(String(decoding: text, as: UTF8.self)) else { return nil }
            value = v
        }
        guard value.isFinite, value.magnitude <= 1e300 else { return nil }
        return n.negative ? -value : value
    }

    /// A money cell, read as `number` reads it but exactly, digit by digit: `1,234.56` is
    /// 123,456 cents, never the nearest Double. More than two fraction digits round half away
    /// from zero to cents; nil for what `number` refuses and for amounts outside Money's range.
    public static func money(_ b: UnsafeBufferPointer<UInt8>, decimalComma: Bool = false) -> Money? {
        guard let n = scanNumber(b, decimalComma: decimalComma) else { return nil }
        if n.exponent == 0 {
            // The common cell, `1234.56`: cents straight from the digits, no array.
            var cents: Int64 = 0, significant = 0
            for k in n.intStart..<n.intEnd where b[k] != n.group {
                let d = Int64(b[k] - 48)
                if significant == 0, d == 0 { continue }
                significant += 1
                if significant > 15 { return nil }
                cents = cents * 10 + d
            }
            let fraction = n.fracEnd - n.fracStart
            for k in 0..<2 { cents = cents * 10 + (k < fraction ? Int64(b[n.fracStart + k] - 48) : 0) }
            if fraction > 2, b[n.fracStart + 2] >= UInt8(ascii: "5") { cents += 1 }
            guard cents <= Money.storableCents else { return nil }
            return Money(cents: n.negative ? -cents : cents)
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(n.intEnd - n.intStart + n.fracEnd - n.fracStart)
        for k in n.intStart..<n.intEnd where b[k] != n.group {
            if digits.isEmpty, b[k] == UInt8(ascii: "0") { continue }
            digits.append(b[k] - 48)
        }
        let point = digits.count + n.exponent
        for k in n.fracStart..<n.fracEnd { digits.append(b[k] - 48) }
        return Money.fromDigits(digits, point: point, negative: n.negative)
    }

    public static func money(_ text: String, decimalComma: Bool = false) -> Money? {
        var s = text
        return s.withUTF8 { money($0, decimalComma: decimalComma) }
    }

    /// Where a number cell's parts are, shared by `number` and `money`. `exponent` includes
    /// the −2 of a percent sign; `mantissa` and `exp10` hold the first 19 or so digits.
    struct ScannedNumber {
        var negative: Bool
        var mantissa: UInt64, exp10: Int, exact: Bool
        var intStart: Int, intEnd: Int, intDigits: Int, fracStart: Int, fracEnd: Int
        var exponent: Int
        var group: UInt8
    }

    static func scanNumber(_ b: UnsafeBufferPointer<UInt8>, decimalComma: Bool) -> ScannedNumber? {
        var i = 0
        var j = b.count
        trim(b, &i, &j)
        guard i < j else { return nil }

        var negative = false
        var signed = false
        var currency = false
        if b[i] == minus || b[i] == plus {
            negative = b[i] == minus; signed = true; i += 1
        }
        if let len = currencyLength(b, i, j) {
            currency = true
            i += len
            while i < j && isSpace(b[i]) { i += 1 }
            if !signed, i < j, b[i] == minus || b[i] == plus {
                negative = b[i] == minus; i += 1
            }
        }
        var percent = false
        if j > i && b[j - 1] == UInt8(ascii: "%") {
            percent = true
            j -= 1
            while j > i && isSpace(b[j - 1]) { j -= 1 }
        } else if !currency {
            if let len = trailingCurrencyLength(b, i, j) {
                j -= len
                while j > i && isSpace(b[j - 1]) { j -= 1 }
            }
        }

        let group = decimalComma ? UInt8(ascii: ".") : UInt8(ascii: ",")
        let point = decimalComma ? UInt8(ascii: ",") : UInt8(ascii: ".")
        var mantissa: UInt64 = 0
        var exp10 = 0
        var exact = true           // every significant digit fits the mantissa
        var intDigits = 0
        var fracDigits = 0
        var groupRun = -1          // digits since the last thousands separator; -1: none seen
        let intStart = i

        while i < j {
            let c = b[i]
            if c &- 48 < 10 {
                accumulate(c, &mantissa, &exp10, &exact, fraction: false)
                intDigits += 1
                if groupRun >= 0 {
                    groupRun += 1
                    if groupRun > 3 { return nil }
                }
            } else if c == group {
                if intDigits == 0 { return nil }
                if groupRun < 0 ? intDigits > 3 : groupRun != 3 { return nil }
                groupRun = 0
            } else {
                break
            }
            i += 1
        }
        if groupRun >= 0 && groupRun != 3 { return nil }
        let intEnd = i
        var fracStart = i
        if i < j && b[i] == point {
            i += 1
            fracStart = i
            while i < j && b[i] &- 48 < 10 {
                accumulate(b[i], &mantissa, &exp10, &exact, fraction: true)
                fracDigits += 1
                i += 1
            }
        }
        let fracEnd = i
        guard intDigits + fracDigits > 0 else { return nil }

        var exponent = 0
        if i < j && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            guard groupRun < 0 else { return nil }
            i += 1
            var expNegative = false
            if i < j && (b[i] == minus || b[i] == plus) { expNegative = b[i] == minus; i += 1 }
            let expStart = i
            while i < j && b[i] &- 48 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(b[i] - 48) }
                i += 1
            }
            guard i > expStart else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == j else { return nil }
        if percent { exponent -= 2 }
        return ScannedNumber(negative: negative, mantissa: mantissa, exp10: exp10, exact: exact, intStart: intStart, intEnd: intEnd,
                             intDigits: intDigits, fracStart: fracStart, fracEnd: fracEnd, exponent: exponent, group: group)
    }

    public static func number(_ text: String, decimalComma: Bool = false) -> Double? {
        var s = text
        return s.withUTF8 { number($0, decimalComma: decimalComma) }
    }

    @inline(__always)
    private static func accumulate(_ c: UInt8, _ mantissa: inout UInt64, _ exp10: inout Int,
                                   _ exact: inout Bool, fraction: Bool) {
        let d = UInt64(c - 48)
        if mantissa <= (UInt64.max - 9) / 10 {
            mantissa = mantissa * 10 + d
            if fraction { exp10 -= 1 }
        } else {
            if !fraction { exp10 += 1 }
            if d != 0 { exact = false }
        }
    }

    private static let powersOf10: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }

    private static let minus = UInt8(ascii: "-")
    private static let plus = UInt8(ascii: "+")

    /// `$`, `€` (E2 82 AC), `£` (C2 A3), `¥` (C2 A5) at `i`.
    private static func currencyLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int) -> Int? {
        guard i < j else { return nil }
        if b[i] == UInt8(ascii: "$") { return 1 }
        if j - i >= 2, b[i] == 0xC2, b[i + 1] == 0xA3 || b[i + 1] == 0xA5 { return 2 }
        if j - i >= 3, b[i] == 0xE2, b[i + 1] == 0x82, b[i + 2] == 0xAC { return 3 }
        return nil
    }

    /// A currency sign ending at `j`, as European exports write `1.234,50 €`.
    private static func trailingCurrencyLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int) -> Int? {
        if j - i >= 1, b[j - 1] == UInt8(ascii: "$") { return 1 }
        if j - i >= 2, let len = currencyLength(b, j - 2, j), len == 2 { return 2 }
        if j - i >= 3, let len = currencyLength(b, j - 3, j), len == 3 { return 3 }
        return nil
    }

    @inline(__always)
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    @inline(__always)
    private static func trim(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ j: inout Int) {
        while i < j && isSpace(b[i]) { i += 1 }
        while j > i && isSpace(b[j - 1]) { j -= 1 }
    }

    // MARK: - Dates

    /// The day number of a cell. Without a format: `YYYY-MM-DD`, `YYYY/MM/DD`, or either
    /// followed by `T` or a space and `HH:MM[:SS[.fff]]`, optionally `Z`, `±HH:MM`, `±HHMM` or
    /// `±HH`. A timestamp gives the date as written, not converted to UTC: a deal closed at
    /// 23:30 in New York closed that day for its team. Days that do not exist are refused.
    public static func date(_ b: UnsafeBufferPointer<UInt8>, format: DateFormat? = nil) -> Int32? {
        var i = 0
        var j = b.count
        trim(b, &i, &j)
        if let format { return format.parse(b, i, j) }
        guard j - i >= 10 else { return nil }
        let sep = b[i + 4]
        guard sep == minus || sep == UInt8(ascii: "/"), b[i + 7] == sep,
              let y = digits(b, i, 4), let m = digits(b, i + 5, 2), let d = digits(b, i + 8, 2),
              let day = Calendar.validDay(year: y, month: m, day: d) else { return nil }
        i += 10
        if i == j { return day }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard timeOfDay(b, &i, j) else { return nil }
        if i == j { return day }
        let c = b[i]
        if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
            return i + 1 == j ? day : nil
        }
        guard c == plus || c == minus, let h = digits(b, i + 1, 2, end: j), h <= 23 else { return nil }
        i += 3
        if i == j { return day }
        if b[i] == UInt8(ascii: ":") { i += 1 }
        guard let mm = digits(b, i, 2, end: j), mm <= 59, i + 2 == j else { return nil }
        return day
    }

    public static func date(_ text: String, format: DateFormat? = nil) -> Int32? {
        var s = text
        return s.withUTF8 { date($0, format: format) }
    }

    /// `HH:MM[:SS[.fff]]` at `i`, range-checked; leaves `i` after it.
    private static func timeOfDay(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ j: Int) -> Bool {
        guard let h = digits(b, i, 2, end: j), h <= 23, i + 2 < j, b[i + 2] == UInt8(ascii: ":"),
              let m = digits(b, i + 3, 2, end: j), m <= 59 else { return false }
        i += 5
        guard i < j, b[i] == UInt8(ascii: ":") else { return true }
        guard let s = digits(b, i + 1, 2, end: j), s <= 60 else { return false }
        i += 3
        guard i < j, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") else { return true }
        i += 1
        let start = i
        while i < j && b[i] &- 48 < 10 { i += 1 }
        return i > start
    }

    /// Exactly `count` ASCII digits at `i`, all before `end`.
    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ count: Int, end: Int? = nil) -> Int? {
        guard i >= 0, i + count <= (end ?? b.count) else { return nil }
        var v = 0
        for k in i..<(i + count) {
            let d = b[k] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    // MARK: - Booleans

    /// `true false yes no y n 1 0` in any case, and 是/否, 对/错, 有/无: the spellings CRM
    /// exports and spreadsheets use, Chinese ones included.
    public static func bool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        var i = 0
        var j = b.count
        trim(b, &i, &j)
        let len = j - i
        guard len >= 1, len <= 5 else { return nil }
        var word: UInt64 = 0
        for k in i..<j {
            var c = b[k]
            if c >= 65 && c <= 90 { c += 32 }
            word = word << 8 | UInt64(c)
        }
        switch word {
        case packed("true"), packed("yes"), packed("y"), packed("1"), packed("是"), packed("对"), packed("有"): return true
        case packed("false"), packed("no"), packed("n"), packed("0"), packed("否"), packed("错"), packed("无"): return false
        default: return nil
        }
    }

    public static func bool(_ text: String) -> Bool? {
        var s = text
        return s.withUTF8 { bool($0) }
    }

    private static func packed(_ s: StaticString) -> UInt64 {
        var word: UInt64 = 0
        s.withUTF8Buffer { for c in $0 { word = word << 8 | UInt64(c) } }
        return word
    }
}

/// A declared date format such as `MM/dd/yyyy`, for exports whose dates are not ISO.
///
/// Letters: `yyyy`, `yy` (2000 + yy, since CRM data is recent), `MM`/`M`, `dd`/`d`, and
/// `HH`/`H`, `mm`, `ss` for a time that is checked and ignored (imports keep days). Any other
/// character, or text in single quotes, must appear as written. `MM` also accepts one digit when
/// a separator follows, since spreadsheets drop leading zeros even from "MM/dd/yyyy" columns;
/// between two numbers (`yyyyMMdd`) widths are exact.
public struct DateFormat: Sendable, Equatable {
    enum Element: Sendable, Equatable {
        case number(Field, width: Int)
        case literal(UInt8)
    }
    enum Field: Sendable, Equatable { case year, month, day, hour, minute, second }

    public let pattern: String
    let elements: [Element]

    /// Nil for a pattern that is empty, has an unknown letter or width, repeats a field, or
    /// lacks a year, a month or a day; the caller reports it against the script.
    public init?(pattern: String) {
        var elements: [Element] = []
        let u = Array(pattern.utf8)
        var i = 0
        var seen: Set<UInt8> = []
        while i < u.count {
            let c = u[i]
            if c == UInt8(ascii: "'") {
                i += 1
                while i < u.count && u[i] != UInt8(ascii: "'") { elements.append(.literal(u[i])); i += 1 }
                guard i < u.count else { return nil }
                i += 1
                continue
            }
            let isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            guard isLetter else { elements.append(.literal(c)); i += 1; continue }
            var run = 1
            while i + run < u.count && u[i + run] == c { run += 1 }
            let field: Field
            switch (c, run) {
            case (UInt8(ascii: "y"), 4), (UInt8(ascii: "y"), 2): field = .year
            case (UInt8(ascii: "M"), 1...2): field = .month
            case (UInt8(ascii: "d"), 1...2): field = .day
            case (UInt8(ascii: "H"), 1...2): field = .hour
            case (UInt8(ascii: "m"), 1...2): field = .minute
            case (UInt8(ascii: "s"), 1...2): field = .second
            default: return nil
            }
            guard seen.insert(c).inserted else { return nil }
            elements.append(.number(field, width: run))
            i += run
        }
        guard seen.contains(UInt8(ascii: "y")), seen.contains(UInt8(ascii: "M")),
              seen.contains(UInt8(ascii: "d")) else { return nil }
        self.pattern = pattern
        self.elements = elements
    }

    func parse(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32? {
        var i = start
        var year = 0, month = 0, day = 0
        for (k, element) in elements.enumerated() {
            switch element {
            case .literal(let c):
                guard i < end, b[i] == c else { return nil }
                i += 1
            case .number(let field, let width):
                let nextIsNumber: Bool
                if k + 1 < elements.count, case .number = elements[k + 1] { nextIsNumber = true } else { nextIsNumber = false }
                let isYear = field == .year
                let maxDigits = isYear ? width : 2
                let minDigits = isYear || (width == 2 && nextIsNumber) ? width : 1
                var v = 0
                var n = 0
                while n < maxDigits && i < end && b[i] &- 48 < 10 {
                    v = v * 10 + Int(b[i] - 48)
                    n += 1; i += 1
                }
                guard n >= minDigits else { return nil }
                switch field {
                case .year: year = width == 2 ? 2000 + v : v
                case .month: month = v
                case .day: day = v
                case .hour: guard v <= 23 else { return nil }
                case .minute: guard v <= 59 else { return nil }
                case .second: guard v <= 60 else { return nil }
                }
            }
        }
        guard i == end else { return nil }
        return Calendar.validDay(year: year, month: month, day: day)
    }
}
