/// An amount of money as a whole number of cents (minor units, two fraction digits), so sums
/// and comparisons are integer arithmetic and every cent survives: 0.1 + 0.2 is 0.30, and
/// 100 × 999,999,999,999,999 + 1 is 99,999,999,999,999,901.
///
/// Two ranges. What is stored — a deal's amount, a money field, an amount read from a script,
/// a CSV cell or the journal — is at most ±999,999,999,999,999.99 (`storableCents`, the
/// lexer's "amounts up to 999 trillion"), an Int64 of cents per deal. A figure computed from
/// them (a sum, an expression) is held in 128 bits, so no sum of stored amounts can overflow;
/// a result past ±(2^127 − 1) cents is an overflow, which every operation reports rather than
/// wrapping or rounding. Text is read digit by digit, never through a Double; more than two
/// fraction digits are rounded half away from zero to cents (docs/language.md, "Money").
public struct Money: Hashable, Comparable, Sendable {
    // Two words rather than one Int128, whose 16-byte alignment would make every `Value` 32
    // bytes instead of 24.
    private var high: Int64
    private var low: UInt64

    public var cents: Int128 {
        get { Int128(high) << 64 | Int128(low) }
        set { high = Int64(truncatingIfNeeded: newValue >> 64); low = UInt64(truncatingIfNeeded: newValue) }
    }

    /// `cents` must not be Int128.min (whose negation overflows); every constructor checks.
    public init(cents: Int128) {
        high = Int64(truncatingIfNeeded: cents >> 64)
        low = UInt64(truncatingIfNeeded: cents)
    }

    public init(cents: Int64) { self.init(cents: Int128(cents)) }
    public init(cents: Int) { self.init(cents: Int128(cents)) }

    /// The largest stored magnitude in cents: 999,999,999,999,999.99.
    public static let storableCents: Int64 = 99_999_999_999_999_999
    /// The largest magnitude of any money value, in cents.
    public static let maxCents: Int128 = .max
    public static let zero = Money(cents: Int128(0))

    /// Nil when `cents` is outside the computable range (only Int128.min is).
    public init?(exactly wide: Int128) {
        guard wide != .min else { return nil }
        self.init(cents: wide)
    }

    /// Nil outside the stored range.
    public init?(storableCents c: Int64) {
        guard c >= -Self.storableCents, c <= Self.storableCents else { return nil }
        self.init(cents: c)
    }

    /// The cents of a value that can be stored, nil for a larger one.
    public var storableCents: Int64? {
        let c = cents
        guard c >= Int128(-Self.storableCents), c <= Int128(Self.storableCents) else { return nil }
        return Int64(c)
    }

    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }

    /// The nearest Double, for what only needs a magnitude (chart geometry, ratios).
    public var double: Double { Double(cents) / 100 }

    // MARK: - Reading

    /// Decimal text: an optional sign, digits, an optional `.` and fraction, an optional
    /// exponent (`1.5e3`, as JSON allows). Nil for anything else and for values outside the
    /// range; fraction digits past the cents round half away from zero.
    public static func parse<S: StringProtocol>(_ text: S) -> Money? {
        var copy = String(text)
        return copy.withUTF8 { parse(bytes: $0) }
    }

    /// `parse` over UTF-8 bytes.
    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Money? {
        var i = 0
        let n = b.count
        var negative = false
        if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { negative = b[i] == UInt8(ascii: "-"); i += 1 }
        // Significant digits (leading zeros dropped) and how many of them precede the point.
        var digits: [UInt8] = []
        var point = 0
        var sawDigit = false, sawPoint = false
        while i < n {
            let c = b[i]
            if c >= 48, c <= 57 {
                sawDigit = true
                if digits.isEmpty, c == 48 { if sawPoint { point -= 1 } } else {
                    // Past 40 significant digits nothing can change the cents or the range check.
                    if digits.count < 40 { digits.append(c - 48); if !sawPoint { point += 1 } } else if !sawPoint { point += 1 }
                }
            } else if c == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else { break }
            i += 1
        }
        guard sawDigit else { return nil }
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { expNegative = b[i] == UInt8(ascii: "-"); i += 1 }
            var exponent = 0, expDigits = 0
            while i < n, b[i] >= 48, b[i] <= 57 {
                if exponent < 10_000 { exponent = exponent * 10 + Int(b[i] - 48) }
                expDigits += 1; i += 1
            }
            guard expDigits > 0 else { return nil }
            point += expNegative ? -exponent : exponent
        }
        guard i == n else { return nil }
        return fromDigits(digits, point: point, negative: negative)
    }

    /// Digits with `point` of them before the decimal point (may be ≤ 0 or past the end):
    /// their value in cents, rounded half away from zero; nil past the stored range, or with
    /// `storable: false` past what 128 bits hold.
    static func fromDigits(_ digits: [UInt8], point: Int, negative: Bool, storable: Bool = true) -> Money? {
        // Whole cents are the digits up to two places after the point.
        let keep = point + 2
        guard keep <= (storable ? 17 : 37) else { return digits.allSatisfy({ $0 == 0 }) ? .zero : nil }
        var cents: Int128 = 0
        if keep > 0 {
            for k in 0..<keep { cents = cents * 10 + Int128(k < digits.count ? digits[k] : 0) }
        }
        if keep >= 0, keep < digits.count, digits[keep] >= 5 { cents += 1 }
        guard cents <= (storable ? Int128(storableCents) : maxCents) else { return nil }
        return Money(cents: negative ? -cents : cents)
    }

    /// A Double through its shortest round-trip digits (`0.1` is ten cents, not
    /// 0.1000000000000000055…): how amounts stored as Doubles by earlier versions, and
    /// numbers computed in floating point, become money. Nil for NaN, infinities and values
    /// past what 128 bits of cents hold (`storableCents` says whether it can be stored).
    public init?(_ x: Double) {
        guard x.isFinite else { return nil }
        if x == x.rounded(.towardZero), x.magnitude < 1e15 {
            self.init(cents: Int128(Int64(x)) * 100)
            return
        }
        guard x.magnitude < 1e35, let d = DecimalText(x) else { return nil }
        guard let m = Money.fromDigits(d.digits, point: d.point, negative: d.negative, storable: false) else { return nil }
        self = m
    }

    // MARK: - Writing

    /// Plain text with only the fraction digits it needs: `0.3`, `1234.56`, `120000` — how
    /// CSV, TSV, JSON and the journal write an amount.
    public var plain: String {
        let units = cents.magnitude / 100, rest = cents.magnitude % 100
        let sign = cents < 0 ? "-" : ""
        if rest == 0 { return sign + String(units) }
        if rest % 10 == 0 { return sign + String(units) + "." + String(rest / 10) }
        return sign + String(units) + "." + (rest < 10 ? "0" : "") + String(rest)
    }

    /// Thousands separators, with cents (`1,234.50`) or rounded to whole units (`1,235`),
    /// half away from zero — how tables show money.
    public func grouped(cents showCents: Bool) -> String {
        var units = cents.magnitude / 100
        let rest = cents.magnitude % 100
        if !showCents, rest >= 50 { units += 1 }
        let digits = Array(String(units))
        var out = cents < 0 && (units != 0 || (showCents && rest != 0)) ? "-" : ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        guard showCents else { return out }
        return out + "." + (rest < 10 ? "0" : "") + String(rest)
    }

    public var hasCents: Bool { cents % 100 != 0 }

    // MARK: - Arithmetic (nil is an overflow)

    public func adding(_ other: Money) -> Money? {
        let (sum, overflow) = cents.addingReportingOverflow(other.cents)
        return overflow ? nil : Money(exactly: sum)
    }

    public func subtracting(_ other: Money) -> Money? {
        let (difference, overflow) = cents.subtractingReportingOverflow(other.cents)
        return overflow ? nil : Money(exactly: difference)
    }

    public var negated: Money { Money(cents: -cents) }

    /// Money × a number, rounded half away from zero to cents. The number is taken at its
    /// shortest decimal digits (`1.1` is eleven tenths exactly), so `amount * 1.1` is exact
    /// before the one rounding; whole numbers multiply as integers.
    public func multiplied(by x: Double) -> Money? {
        guard x.isFinite else { return nil }
        if cents == 0 { return .zero }
        if x == x.rounded(.towardZero), x.magnitude < 1e18 {
            let (product, overflow) = cents.multipliedReportingOverflow(by: Int128(Int64(x)))
            return overflow ? nil : Money(exactly: product)
        }
        guard let (numerator, scale) = Self.rational(x) else { return nil }
        let (product, overflow) = cents.multipliedReportingOverflow(by: numerator)
        return overflow ? nil : Self.divideRounded(product, by: scale)
    }

    /// Money ÷ a number, rounded half away from zero to cents; nil for ÷ 0 and overflow.
    public func divided(by x: Double) -> Money? {
        guard x.isFinite, x != 0, let (numerator, scale) = Self.rational(x) else { return nil }
        // cents ÷ (numerator / scale) = cents × scale ÷ numerator
        let (wide, overflow) = cents.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        return Self.divideRounded(wide, by: numerator)
    }

    /// Money × money: the product of the two amounts, rounded to cents.
    public func multiplied(by other: Money) -> Money? {
        let (product, overflow) = cents.multipliedReportingOverflow(by: other.cents)
        return overflow ? nil : Self.divideRounded(product, by: 100)
    }

    /// Money ÷ money is a plain number (a ratio), nil for ÷ 0.
    public func ratio(to other: Money) -> Double? {
        other.cents == 0 ? nil : Double(cents) / Double(other.cents)
    }

    /// `x` as numerator / 10^k from its shortest digits (at most 18 significant digits, so
    /// products stay inside Int128).
    static func rational(_ x: Double) -> (Int128, Int128)? {
        guard let d = DecimalText(x) else { return nil }
        var digits = d.digits
        var fraction = digits.count - d.point
        while fraction > 0, digits.last == 0 { digits.removeLast(); fraction -= 1 }
        var numerator: Int128 = 0
        for digit in digits { numerator = numerator * 10 + Int128(digit) }
        var scale: Int128 = 1
        if fraction > 0 {
            guard fraction <= 30 else { return nil }
            for _ in 0..<fraction { scale *= 10 }
        } else if fraction < 0 {
            guard -fraction <= 18 else { return nil }
            for _ in 0..<(-fraction) { numerator *= 10 }
        }
        // Shortest digits have at most 17 significant digits and a huge integer's product
        // overflows anyway, so this bound refuses nothing that has an answer.
        guard numerator.magnitude < UInt128(1) << 100 else { return nil }
        return (d.negative ? -numerator : numerator, scale)
    }

    /// `value ÷ divisor` rounded half away from zero, as money; nil for ÷ 0.
    public static func divideRounded(_ value: Int128, by divisor: Int128) -> Money? {
        guard divisor != 0 else { return nil }
        let negative = (value < 0) != (divisor < 0)
        let n = value.magnitude, d = divisor.magnitude
        var q = n / d
        let r = n % d
        if r >= d - r { q += 1 }
        guard q <= maxCents.magnitude else { return nil }
        let cents = Int128(q)
        return Money(cents: negative ? -cents : cents)
    }
}

/// An exact sum of amounts in cents, in 128 bits: no sum of stored amounts can overflow it,
/// but a sum of computed ones can (`sum amount * 1e30`), which `figure` reports.
public struct MoneySum: Sendable {
    public var cents: Int128 = 0
    public var overflowed = false
    public init() {}
    @inline(__always) public mutating func add(_ c: Int64) { cents += Int128(c) }
    public mutating func add(_ m: Money) {
        let (sum, overflow) = cents.addingReportingOverflow(m.cents)
        if overflow || sum == .min { overflowed = true } else { cents = sum }
    }
    public mutating func add(_ other: MoneySum) {
        if other.overflowed { overflowed = true }
        add(Money(cents: other.cents))
    }
    public static func + (a: MoneySum, b: MoneySum) -> MoneySum { var s = a; s.add(b); return s }
    /// The sum as a figure, or `MoneyOverflow` when it left the range.
    public func figure() throws(MoneyOverflow) -> Value {
        guard !overflowed, let m = Money(exactly: cents) else { throw MoneyOverflow(what: "a sum of amounts") }
        return .money(m)
    }
    /// The sum ÷ `count`, rounded half away from zero to cents (an average).
    public func average(count: Int) throws(MoneyOverflow) -> Value {
        guard !overflowed else { throw MoneyOverflow(what: "a sum of amounts") }
        guard count > 0 else { return .null }
        guard let m = Money.divideRounded(cents, by: Int128(count)) else { throw MoneyOverflow(what: "an average of amounts") }
        return .money(m)
    }
}

/// Σ amount × probability, exact: cents times the probability in millionths (a stage's 33%
/// is 330,000), summed in Int128 and rounded half away from zero to cents once, when it
/// becomes a figure (docs/metrics.md, "Exact money"). A deal adds at most 10^17 × 10^6, so
/// billions of deals stay far inside 128 bits.
public struct WeightedSum: Sendable {
    public var microCents: Int128 = 0
    public init() {}
    /// A probability (0...1) in millionths: exact for probabilities given to four places of a percent.
    @inline(__always) public static func millionths(_ p: Double) -> Int64 {
        guard p.isFinite, p.magnitude <= 1_000 else { return 0 }
        return Int64((p * 1_000_000).rounded())
    }
    @inline(__always) public mutating func add(cents: Int64, millionths: Int64) { microCents += Int128(cents) * Int128(millionths) }
    public mutating func add(_ other: WeightedSum) { microCents += other.microCents }
    public var money: Money? { Money.divideRounded(microCents, by: 1_000_000) }
    public func figure() throws(MoneyOverflow) -> Value {
        guard let m = money else { throw MoneyOverflow(what: "a weighted amount") }
        return .money(m)
    }
}

/// A money result past what 128 bits of cents hold; the query runner turns it into R720 at
/// the statement's place.
public struct MoneyOverflow: Error, Sendable, Equatable {
    public var what: String
    public init(what: String) { self.what = what }
}
