import Testing
@testable import FunnelCore

@Test func dayNumbersRoundTrip() {
    #expect(Calendar.day(year: 1970, month: 1, day: 1) == 0)
    #expect(Calendar.format(Calendar.day(year: 2026, month: 3, day: 14)) == "2026-03-14")
    #expect(Calendar.parseISO("2026-02-30") == nil)
    #expect(Calendar.parseISO("2024-02-29") == Calendar.day(year: 2024, month: 2, day: 29))
    #expect(Calendar.weekday(Calendar.day(year: 2026, month: 11, day: 29)) == 7)
}

/// Four-digit years are written byte by byte; other years keep the padded form they had.
@Test func datesFormatAtEveryWidth() {
    #expect(Calendar.format(Calendar.day(year: 1, month: 1, day: 1)) == "0001-01-01")
    #expect(Calendar.format(Calendar.day(year: 999, month: 9, day: 9)) == "0999-09-09")
    #expect(Calendar.format(0) == "1970-01-01")
    #expect(Calendar.format(-1) == "1969-12-31")
    #expect(Calendar.format(Calendar.day(year: 2024, month: 2, day: 29)) == "2024-02-29")
    #expect(Calendar.format(Calendar.day(year: 9999, month: 12, day: 31)) == "9999-12-31")
    #expect(Calendar.format(Calendar.day(year: 9999, month: 12, day: 31) + 1) == "10000-01-01")
    #expect(Calendar.format(Calendar.day(year: 1, month: 1, day: 1) - 1) == "0000-12-31")
    #expect(Calendar.format(Calendar.day(year: 1, month: 1, day: 1) - 367) == "00-1-12-31")
}
