/// The decimal digits of a Double as Swift's shortest round-trip description spells them.
///
/// Rounding and scaling work on these digits rather than on the binary value, so `1.005`
/// rounds to `1.01` and `0.425` becomes `42.5%` the way a reader of the input expects,
/// and no value is ever large enough to trap an integer conversion.
struct DecimalText {
    var negative: Bool
    /// Digits 0...9, most significant first.
    var digits: [UInt8]
    /// How many of `digits` lie before the decimal point; may be ≤ 0 or > `digits.count`.
    var point: Int

    /// Nil for NaN and infinities, which have no digits.
    init?(_ x: Double) {
        guard x.isFinite else { return nil }
        var s = Substring(x.magnitude.description)
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(s[s.index(after: e)...]) ?? 0
            s = s[..<e]
        }
        var ds: [UInt8] = []
        var point: Int?
        for u in s.utf8 {
            if u == UInt8(ascii: ".") { point = ds.count } else if u >= 48, u <= 57 { ds.append(u - 48) }
        }
        negative = x.sign == .minus
        digits = ds
        self.point = (point ?? ds.count) + exponent
        normalize()
    }

    /// Multiplies by 10^k exactly.
    func shifted(by k: Int) -> DecimalText {
        var d = self
        d.point += k
        d.normalize()
        return d
    }

    /// Rounds half away from zero to `places` fraction digits, keeping exactly that many.
    func rounded(places: Int) -> DecimalText {
        var d = self
        let keep = d.point + max(0, places)
        if d.digits.count < keep {
            d.digits += [UInt8](repeating: 0, count: keep - d.digits.count)
        } else if d.digits.count > keep {
            let roundUp = d.digits[keep] >= 5
            d.digits.removeSubrange(keep...)
            if roundUp {
                var i = keep - 1
                while i >= 0, d.digits[i] == 9 { d.digits[i] = 0; i -= 1 }
                if i >= 0 { d.digits[i] += 1 } else { d.digits.insert(1, at: 0); d.point += 1 }
            }
        }
        d.normalize(trimFraction: false)
        return d
    }

    var integerDigits: String { Self.text(digits[..<point]) }
    var fractionDigits: String { Self.text(digits[point...]) }
    var isZero: Bool { digits.allSatisfy { $0 == 0 } }

    /// Plain notation without separators or exponent, trailing fraction zeros dropped.
    var plain: String {
        var frac = fractionDigits
        while frac.last == "0" { frac.removeLast() }
        let sign = negative && !isZero ? "-" : ""
        return sign + integerDigits + (frac.isEmpty ? "" : "." + frac)
    }

    /// Pads so that at least one digit precedes the point and every digit before it is
    /// stored, and drops redundant leading zeros; the value is unchanged.
    private mutating func normalize(trimFraction: Bool = true) {
        if point < 1 {
            digits.insert(contentsOf: [UInt8](repeating: 0, count: 1 - point), at: 0)
            point = 1
        }
        if digits.count < point { digits += [UInt8](repeating: 0, count: point - digits.count) }
        var lead = 0
        while lead < point - 1, digits[lead] == 0 { lead += 1 }
        if lead > 0 { digits.removeFirst(lead); point -= lead }
        if trimFraction { while digits.count > point, digits.last == 0 { digits.removeLast() } }
        if isZero { negative = false }
    }

    private static func text(_ ds: ArraySlice<UInt8>) -> String {
        String(decoding: ds.map { $0 + 48 }, as: UTF8.self)
    }
}
