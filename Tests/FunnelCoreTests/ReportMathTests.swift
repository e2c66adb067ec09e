import Testing
@testable import FunnelCore

/// Medians by counting where the values are few (days in a stage) and by sorting where they
/// are spread: both must give the middle of the sorted values.
struct ReportMathTests {
    static func sortedMedian(_ xs: [Int32]) -> Value {
        guard !xs.isEmpty else { return .null }
        let s = xs.sorted(), m = s.count / 2
        return s.count % 2 == 1 ? .number(Double(s[m])) : .number((Double(s[m - 1]) + Double(s[m])) / 2)
    }

    @Test func mediansAreTheMiddleOfTheSortedValues() {
        #expect(ReportMath.median([]) == .null)
        #expect(ReportMath.median([7]) == .number(7))
        #expect(ReportMath.median([4, 1]) == .number(2.5))
        #expect(ReportMath.median([3, 3, 9, 1]) == .number(3))
        #expect(ReportMath.median([-5, 0, 5]) == .number(0))
        // Spread wider than the count: sorted.
        #expect(ReportMath.median([Int32.min, Int32.max]) == .number(-0.5))
        #expect(ReportMath.median([1_000_000, -1_000_000, 3]) == .number(3))
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for round in 0..<400 {
            let count = 1 + next(60)
            let spread = [3, 50, 5_000, 100_000][round % 4]
            let xs = (0..<count).map { _ in Int32(next(spread) - spread / 3) }
            #expect(ReportMath.median(xs) == Self.sortedMedian(xs), "\(xs)")
        }
    }
}
