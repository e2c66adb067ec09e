import Testing
@testable import FunnelCore

@Suite struct RenderTestsFormatter {
    @Test func moneyGroupsThousandsAndDropsCentsWhenNoneAreUsed() {
        #expect(ValueFormatter.human(.number(1_234_567), kind: .money) == "1,234,567")
        #expect(ValueFormatter.human(.number(-1234), kind: .money) == "-1,234")
        #expect(ValueFormatter.human(.number(999), kind: .money) == "999")
        #expect(ValueFormatter.human(.number(1234.5), kind: .money) == "1,234.50")
        // Rounds to cents first: a thousandth is not a fraction anyone sees.
        #expect(ValueFormatter.human(.number(1234.001), kind: .money) == "1,234")
        #expect(ValueFormatter.human(.number(-0.001), kind: .money) == "0")
        let cents = ValueFormatter.ColumnStyle(kind: .money, showsCents: true)
        #expect(ValueFormatter.human(.number(1000), style: cents) == "1,000.00")
    }

    /// One amount with cents (here in the total) gives every money column of the table cents,
    /// so `commit 0` never sits beside `best_case 0.00`; other kinds are untouched.
    @Test func everyMoneyColumnShowsCentsWhenOneAmountHasThem() {
        let t = ResultTable(columns: [ResultColumn("a", .money), ResultColumn("b", .money), ResultColumn("n", .integer)],
                            rows: [[.number(10), .number(10), .number(1)]], total: [.number(10.25), .number(20), .number(1)])
        #expect(ValueFormatter.styles(for: t) == [
            ValueFormatter.ColumnStyle(kind: .money, showsCents: true),
            ValueFormatter.ColumnStyle(kind: .money, showsCents: true),
            ValueFormatter.ColumnStyle(kind: .integer, showsCents: false),
        ])
        let whole = ResultTable(columns: [ResultColumn("a", .money), ResultColumn("b", .money)],
                                rows: [[.number(10), .number(0)]], total: nil)
        #expect(ValueFormatter.styles(for: whole).map(\.showsCents) == [false, false])
    }

    @Test func numbersIntegersRatesAndDays() {
        #expect(ValueFormatter.human(.number(1.5), kind: .number) == "1.5")
        #expect(ValueFormatter.human(.number(1.0 / 3.0), kind: .number) == "0.33")
        #expect(ValueFormatter.human(.number(2), kind: .number) == "2")
        #expect(ValueFormatter.human(.number(1_234_567.891), kind: .number) == "1,234,567.89")
        #expect(ValueFormatter.human(.number(1.005), kind: .number) == "1.01")
        #expect(ValueFormatter.human(.number(1e20), kind: .number) == "100,000,000,000,000,000,000")
        #expect(ValueFormatter.human(.number(12345), kind: .integer) == "12,345")
        #expect(ValueFormatter.human(.number(0.425), kind: .rate) == "42.5%")
        #expect(ValueFormatter.human(.number(1), kind: .rate) == "100.0%")
        #expect(ValueFormatter.human(.number(0), kind: .rate) == "0.0%")
        #expect(ValueFormatter.human(.number(12), kind: .days) == "12.0")
        #expect(ValueFormatter.human(.number(3.25), kind: .days) == "3.3")
        #expect(ValueFormatter.human(.number(.nan), kind: .number) == "-")
    }

    @Test func nonNumbers() {
        #expect(ValueFormatter.human(.null, kind: .money) == "-")
        #expect(ValueFormatter.human(.bool(true), kind: .bool) == "true")
        #expect(ValueFormatter.human(.date(Calendar.day(year: 2026, month: 3, day: 14)), kind: .date) == "2026-03-14")
        #expect(ValueFormatter.human(.list([.text("East"), .text("West")]), kind: .text) == "East, West")
        #expect(ValueFormatter.human(.list([.number(1000), .null]), kind: .money) == "1,000, -")
        #expect(ValueFormatter.human(.text("a\nb\tc\u{1B}[2Jd\r"), kind: .text) == #"a\nb\tc\u{1B}[2Jd\u{D}"#)
        #expect(ValueFormatter.human(.text(#"C:\deals"#), kind: .text) == #"C:\deals"#)
    }

    @Test func machineNumbersArePlainAndRounded() {
        #expect(ValueFormatter.machine(.number(120_000)) == "120000")
        #expect(ValueFormatter.machine(.number(-42)) == "-42")
        #expect(ValueFormatter.machine(.number(-0.0)) == "0")
        #expect(ValueFormatter.machine(.number(0.425)) == "0.425")
        // 15 significant digits: arithmetic noise does not reach machine output.
        #expect(ValueFormatter.machine(.number(0.1 + 0.2)) == "0.3")
        #expect(ValueFormatter.machine(.number(0.000015)) == "0.000015")
        #expect(ValueFormatter.machine(.number(1e-6)) == "0.000001")
        #expect(ValueFormatter.machine(.number(123_456_789_012.5)) == "123456789012.5")
        #expect(ValueFormatter.machine(.number(9_007_199_254_740_992)) == "9007199254740992")
        #expect(ValueFormatter.machine(.number(1e16)) == "1e+16")
        #expect(ValueFormatter.machine(.number(1e-7)) == "1e-07")
        #expect(ValueFormatter.machine(.number(.infinity)) == "")
        #expect(ValueFormatter.machine(.null) == "")
        #expect(ValueFormatter.machine(.bool(false)) == "false")
        #expect(ValueFormatter.machine(.date(Calendar.day(year: 2026, month: 1, day: 5))) == "2026-01-05")
        #expect(ValueFormatter.machine(.text("a\nb")) == "a\nb")
    }
}

@Test func machineNumbersDropArithmeticNoise() {
    #expect(ValueFormatter.machineNumber(0.1 + 0.2) == "0.3")
    #expect(ValueFormatter.machineNumber(50_000 * 1.1) == "55000")
    #expect(ValueFormatter.machineNumber(0.425) == "0.425")
    #expect(ValueFormatter.machineNumber(1234.5) == "1234.5")
    #expect(ValueFormatter.machineNumber(1.0 / 3.0) == "0.333333333333333")
    #expect(ValueFormatter.machineNumber(-2.675) == "-2.675")
}
