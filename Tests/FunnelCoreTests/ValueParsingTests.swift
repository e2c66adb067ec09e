import Testing
@testable import FunnelCore

private func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { Calendar.day(year: y, month: m, day: d) }

@Suite struct ValueParsingTests {
    @Test func numbers() {
        #expect(ValueParsing.number("1234", decimalComma: false) == 1234)
        #expect(ValueParsing.number("-12.5", decimalComma: false) == -12.5)
        #expect(ValueParsing.number("+7", decimalComma: false) == 7)
        #expect(ValueParsing.number(".5", decimalComma: false) == 0.5)
        #expect(ValueParsing.number("1,234.50", decimalComma: false) == 1234.5)
        #expect(ValueParsing.number("1,234,567", decimalComma: false) == 1_234_567)
        #expect(ValueParsing.number("  42  ", decimalComma: false) == 42)
        #expect(ValueParsing.number("\t42", decimalComma: false) == 42)
        #expect(ValueParsing.number("0.1", decimalComma: false) == 0.1)
        #expect(ValueParsing.number("1.5e3", decimalComma: false) == 1500)
        #expect(ValueParsing.number("2E-2", decimalComma: false) == 0.02)
        #expect(ValueParsing.number("123456789012345678901234567890", decimalComma: false) == 1.2345678901234568e29)
        #expect(ValueParsing.number("0.30000000000000004441", decimalComma: false) == 0.30000000000000004)
    }

    @Test func decimalCommaNumbers() {
        #expect(ValueParsing.number("1.234,50", decimalComma: true) == 1234.5)
        #expect(ValueParsing.number("1234,5", decimalComma: true) == 1234.5)
        #expect(ValueParsing.number("-0,25", decimalComma: true) == -0.25)
        #expect(ValueParsing.number("1.234.567", decimalComma: true) == 1_234_567)
        #expect(ValueParsing.number("1.234,50 €", decimalComma: true) == 1234.5)
        #expect(ValueParsing.number("1.5", decimalComma: true) == nil)
        #expect(ValueParsing.number("1,234.50", decimalComma: true) == nil)
        #expect(ValueParsing.number("1234,5", decimalComma: false) == nil)
    }

    @Test func currencyAndPercent() {
        #expect(ValueParsing.number("$1,200", decimalComma: false) == 1200)
        #expect(ValueParsing.number("-$12.50", decimalComma: false) == -12.5)
        #expect(ValueParsing.number("$-12.50", decimalComma: false) == -12.5)
        #expect(ValueParsing.number("€ 99", decimalComma: false) == 99)
        #expect(ValueParsing.number("£5", decimalComma: false) == 5)
        #expect(ValueParsing.number("¥1000", decimalComma: false) == 1000)
        #expect(ValueParsing.number("25%", decimalComma: false) == 0.25)
        #expect(ValueParsing.number("12.5 %", decimalComma: false) == 0.125)
        #expect(ValueParsing.number("7%", decimalComma: false) == 0.07)
        #expect(ValueParsing.number("12,5%", decimalComma: true) == 0.125)
    }

    @Test func numberRejects() {
        for bad in ["", "   ", "12abc", "abc", "-", "$", ".", "%", "1,2", "12,34", "1234,567", ",123", "1,,234",
                    "1..2", "1.2.3", "1e", "1e+", "1,234e5", "--1", "$$1", "1 234", "1e301", "-2e300",
                    "1e99999", "0x10", "NaN", "inf", "1-", "€1 €", "1$%"] {
            #expect(ValueParsing.number(bad, decimalComma: false) == nil, "\(bad)")
        }
        #expect(ValueParsing.number("1e300", decimalComma: false) == 1e300)
    }

    @Test func numberFromBytes() {
        let bytes = Array("1,234.5".utf8)
        #expect(bytes.withUnsafeBufferPointer { ValueParsing.number($0, decimalComma: false) } == 1234.5)
    }

    @Test func isoDates() {
        #expect(ValueParsing.date("2026-03-14", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date(" 2026-03-14 ", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026/03/14", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2024-02-29", format: nil) == day(2024, 2, 29))
        #expect(ValueParsing.date("2026-03-14T23:30", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14T23:30:59", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14T23:30:59.123", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14T23:30:59Z", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14T23:30:59.5Z", format: nil) == day(2026, 3, 14))
        // The day as written, not converted to UTC.
        #expect(ValueParsing.date("2026-03-14T23:30:00-05:00", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14T00:30:00+0900", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14T00:30:00+09", format: nil) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026-03-14 10:15:00", format: nil) == day(2026, 3, 14))
    }

    @Test func dateRejects() {
        for bad in ["", "2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-3-14", "26-03-14",
                    "2026-03-14T", "2026-03-14T25:00", "2026-03-14T10:60", "2026-03-14T10:00:61",
                    "2026-03-14T10:00Q", "2026-03-14T10:00+5", "2026-03-14T10:00+05:0", "2026-03-14T10:00.5",
                    "2026-03/14", "2026-03-14x", "03/14/2026", "2026-03-14T10:00:00+25:00", "today"] {
            #expect(ValueParsing.date(bad, format: nil) == nil, "\(bad)")
        }
    }

    @Test func declaredFormats() throws {
        let us = try #require(DateFormat(pattern: "MM/dd/yyyy"))
        #expect(ValueParsing.date("03/14/2026", format: us) == day(2026, 3, 14))
        #expect(ValueParsing.date("3/4/2026", format: us) == day(2026, 3, 4))
        #expect(ValueParsing.date("02/30/2026", format: us) == nil)
        #expect(ValueParsing.date("2026-03-14", format: us) == nil)
        #expect(ValueParsing.date("03/14/2026 10:00", format: us) == nil)

        let de = try #require(DateFormat(pattern: "dd.MM.yyyy"))
        #expect(ValueParsing.date("14.03.2026", format: de) == day(2026, 3, 14))

        let dm = try #require(DateFormat(pattern: "d/M/yyyy"))
        #expect(ValueParsing.date("14/3/2026", format: dm) == day(2026, 3, 14))
        #expect(ValueParsing.date("4/12/2026", format: dm) == day(2026, 12, 4))

        let compact = try #require(DateFormat(pattern: "yyyyMMdd"))
        #expect(ValueParsing.date("20260314", format: compact) == day(2026, 3, 14))
        #expect(ValueParsing.date("2026314", format: compact) == nil)

        let short = try #require(DateFormat(pattern: "dd/MM/yy"))
        #expect(ValueParsing.date("14/03/26", format: short) == day(2026, 3, 14))
        #expect(ValueParsing.date("14/03/2026", format: short) == nil)

        let stamp = try #require(DateFormat(pattern: "MM/dd/yyyy HH:mm"))
        #expect(ValueParsing.date("03/14/2026 23:59", format: stamp) == day(2026, 3, 14))
        #expect(ValueParsing.date("03/14/2026 24:00", format: stamp) == nil)

        let quoted = try #require(DateFormat(pattern: "yyyy-MM-dd'T'HH:mm:ss"))
        #expect(ValueParsing.date("2026-03-14T08:00:00", format: quoted) == day(2026, 3, 14))
    }

    @Test func invalidPatterns() {
        for bad in ["", "yyyy", "MM/dd", "MMM dd yyyy", "yyy-MM-dd", "yyyy-MM-dd-yyyy", "dd/MM/yyyy q",
                    "yyyy-MM-dd'T", "ddd/MM/yyyy"] {
            #expect(DateFormat(pattern: bad) == nil, "\(bad)")
        }
    }

    @Test func booleans() {
        for yes in ["true", "TRUE", "True", "yes", "YES", "y", "Y", "1", " yes "] {
            #expect(ValueParsing.bool(yes) == true, "\(yes)")
        }
        for no in ["false", "False", "no", "NO", "n", "N", "0", "\tfalse"] {
            #expect(ValueParsing.bool(no) == false, "\(no)")
        }
        for bad in ["", "maybe", "t", "f", "2", "yess", "on", "off", "truee", "nope"] {
            #expect(ValueParsing.bool(bad) == nil, "\(bad)")
        }
    }
}
