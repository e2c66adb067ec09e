import Testing
@testable import FunnelCore

/// Money (Base/Money.swift): amounts as whole cents, read and written digit by digit.
struct MoneyTests {
    @Test func parsesDecimalTextExactly() {
        #expect(Money.parse("1234.56")?.cents == 123_456)
        #expect(Money.parse("0.1")?.cents == 10)
        #expect(Money.parse("-0.05")?.cents == -5)
        #expect(Money.parse("+7")?.cents == 700)
        #expect(Money.parse("120000")?.cents == 12_000_000)
        #expect(Money.parse("000123.40")?.cents == 12_340)
        #expect(Money.parse(".5")?.cents == 50)
        // 17 significant digits: more than a Double holds (it would read 1e15).
        #expect(Money.parse("999999999999999.99")?.cents == 99_999_999_999_999_999)
        #expect(Money.parse("-999999999999999.99")?.cents == -99_999_999_999_999_999)
        #expect(Money.parse("1.5e3")?.cents == 150_000)
        #expect(Money.parse("12345e-2")?.cents == 12_345)
    }

    @Test func roundsPastCentsHalfAwayFromZero() {
        #expect(Money.parse("12.345")?.cents == 1_235)
        #expect(Money.parse("12.344999")?.cents == 1_234)
        #expect(Money.parse("-12.345")?.cents == -1_235)
        #expect(Money.parse("0.005")?.cents == 1)
        #expect(Money.parse("0.0049")?.cents == 0)
        #expect(Money.parse("1.995")?.cents == 200)
    }

    @Test func refusesWhatIsNotAnAmountOrOutOfRange() {
        #expect(Money.parse("1000000000000000") == nil)
        #expect(Money.parse("999999999999999.995") == nil)  // rounds to 10^15
        #expect(Money.parse("1e16") == nil)
        #expect(Money.parse("") == nil)
        #expect(Money.parse("-") == nil)
        #expect(Money.parse("1.2.3") == nil)
        #expect(Money.parse("12abc") == nil)
        #expect(Money.parse("1e") == nil)
        #expect(Money.parse("0e99999")?.cents == 0)
    }

    @Test func readsCSVCellsAsNumberDoesButExactly() {
        #expect(ValueParsing.money("1,234.56")?.cents == 123_456)
        #expect(ValueParsing.money(" $1,200 ")?.cents == 120_000)
        #expect(ValueParsing.money("12 €")?.cents == 1_200)
        #expect(ValueParsing.money("1.234,50", decimalComma: true)?.cents == 123_450)
        #expect(ValueParsing.money("-12.345")?.cents == -1_235)
        #expect(ValueParsing.money("0.065")?.cents == 7)
        #expect(ValueParsing.money("000000000000000012.5")?.cents == 1_250)
        #expect(ValueParsing.money("99,999,999,999,999.99")?.cents == 9_999_999_999_999_999)
        #expect(ValueParsing.money("999999999999999.99")?.cents == Int128(Money.storableCents))
        // An exponent or a percent sign goes through the digits.
        #expect(ValueParsing.money("1.5e3")?.cents == 150_000)
        #expect(ValueParsing.money("25%")?.cents == 25)
        #expect(ValueParsing.money("1000000000000000") == nil)
        #expect(ValueParsing.money("999999999999999.995") == nil)
        #expect(ValueParsing.money("12abc") == nil)
        #expect(ValueParsing.money("1.5", decimalComma: true) == nil)
    }

    @Test func readsADoubleThroughItsShortestDigits() {
        #expect(Money(0.1)?.cents == 10)
        #expect(Money(0.1 + 0.2)?.cents == 30)  // 0.30000000000000004
        #expect(Money(1234.56)?.cents == 123_456)
        #expect(Money(45_000.05)?.cents == 4_500_005)
        #expect(Money(999_999_999_999_999)?.cents == 99_999_999_999_999_900)
        #expect(Money(-2.5)?.cents == -250)
        // A computed figure may exceed what a deal stores; past 10^35 no Double is money.
        #expect(Money(1e15)?.cents == 100_000_000_000_000_000)
        #expect(Money(1e15)?.storableCents == nil)
        #expect(Money(999_999_999_999_999)?.storableCents == 99_999_999_999_999_900)
        #expect(Money(1e35) == nil)
        #expect(Money(.nan) == nil)
        #expect(Money(.infinity) == nil)
    }

    @Test func writesPlainAndGroupedText() {
        #expect(Money(cents: 30).plain == "0.3")
        #expect(Money(cents: 123_456).plain == "1234.56")
        #expect(Money(cents: 12_000_000).plain == "120000")
        #expect(Money(cents: 5).plain == "0.05")
        #expect(Money(cents: -5).plain == "-0.05")
        #expect(Money(cents: 99_999_999_999_999_999).plain == "999999999999999.99")
        #expect(Money(cents: 99_999_999_999_999_999).grouped(cents: true) == "999,999,999,999,999.99")
        #expect(Money(cents: 123_450).grouped(cents: true) == "1,234.50")
        #expect(Money(cents: 123_450).grouped(cents: false) == "1,235")
        #expect(Money(cents: 123_449).grouped(cents: false) == "1,234")
        #expect(Money(cents: -40).grouped(cents: false) == "0")
        #expect(Money(cents: -150).grouped(cents: false) == "-2")
        #expect(Money(cents: -7).grouped(cents: true) == "-0.07")
    }

    @Test func arithmeticIsExactAndReportsOverflow() {
        let max = Money(cents: Money.maxCents)
        #expect(Money(cents: 10).adding(Money(cents: 20))?.cents == 30)
        #expect(max.adding(Money(cents: 1)) == nil)
        #expect(max.negated.subtracting(Money(cents: 1)) == nil)
        // Past Int64 is still exact: a figure is 128 bits.
        #expect(Money(cents: Int64.max).adding(Money(cents: 1))?.cents == Int128(Int64.max) + 1)
        #expect(Money(cents: 100_000).multiplied(by: 1.1)?.cents == 110_000)
        #expect(Money(cents: 1_001).multiplied(by: 0.5)?.cents == 501)  // 5.005 rounds away from zero
        #expect(Money(cents: -1_001).multiplied(by: 0.5)?.cents == -501)
        #expect(Money(cents: 100).multiplied(by: 3)?.cents == 300)
        #expect(max.multiplied(by: 2) == nil)
        #expect(Money(cents: 10_000).divided(by: 3)?.cents == 3_333)
        #expect(Money(cents: 20_000).divided(by: 3)?.cents == 6_667)
        #expect(Money(cents: 100).divided(by: 0) == nil)
        #expect(Money(cents: 100).divided(by: 0.001)?.cents == 100_000)
        #expect(max.divided(by: 0.5) == nil)
        #expect(Money(cents: 100).divided(by: 0.01)?.cents == 10_000)
        #expect(Money(cents: 300).ratio(to: Money(cents: 400)) == 0.75)
        #expect(Money(cents: 150).multiplied(by: Money(cents: 200))?.cents == 300)
    }

    @Test func sumsAreExactInInt128AndCheckedAtTheEnd() throws {
        var s = MoneySum()
        for _ in 0..<100 { s.add(99_999_999_999_999_900) }
        s.add(100)
        #expect(s.cents == 9_999_999_999_999_990_100)
        // 99,999,999,999,999,901.00: past Int64 cents and past what a deal stores, exact.
        #expect(try s.figure() == .money(Money(cents: 9_999_999_999_999_990_100 as Int128)))
        #expect(try s.average(count: 103) == .money(Money(cents: 97_087_378_640_776_603)))
        var small = MoneySum()
        small.add(10); small.add(20)
        #expect(try small.figure() == .money(Money(cents: 30)))
        #expect(try MoneySum().average(count: 0) == .null)
        var huge = MoneySum()
        huge.add(Money(cents: Money.maxCents))
        huge.add(Money(cents: 1))
        #expect(throws: MoneyOverflow.self) { try huge.figure() }
        #expect(throws: MoneyOverflow.self) { try huge.average(count: 2) }
    }

    @Test func weightedSumsRoundOnceHalfAwayFromZero() throws {
        #expect(WeightedSum.millionths(0.33) == 330_000)
        #expect(WeightedSum.millionths(0.125) == 125_000)
        var w = WeightedSum()
        // 0.10 × 33% + 0.20 × 33% = 0.099 → 0.10 (rounded once, not 0.03 + 0.07).
        w.add(cents: 10, millionths: 330_000)
        w.add(cents: 20, millionths: 330_000)
        #expect(try w.figure() == .money(Money(cents: 10)))
        var half = WeightedSum()
        half.add(cents: 1, millionths: 500_000)  // 0.005
        #expect(half.money?.cents == 1)
        var negative = WeightedSum()
        negative.add(cents: -1, millionths: 500_000)
        #expect(negative.money?.cents == -1)
    }
}
