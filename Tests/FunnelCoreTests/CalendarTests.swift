import Testing
@testable import FunnelCore

@Test func dayNumbersRoundTrip() {
    #expect(Calendar.day(year: 1970, month: 1, day: 1) == 0)
    #expect(Calendar.format(Calendar.day(year: 2026, month: 3, day: 14)) == "2026-03-14")
    #expect(Calendar.parseISO("2026-02-30") == nil)
    #expect(Calendar.parseISO("2024-02-29") == Calendar.day(year: 2024, month: 2, day: 29))
    #expect(Calendar.weekday(Calendar.day(year: 2026, month: 11, day: 29)) == 7)
}
