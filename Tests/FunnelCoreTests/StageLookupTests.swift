import Testing
@testable import FunnelCore

/// The lookups time in stage, conversion and bottlenecks make for every stage change: a
/// deal's changes in date order (DealHistoryIndex) and the report row of a funnel's stage
/// (StageRows), each with a fast path and the general one it must agree with.
struct StageLookupTests {
    /// The row, -1 for none.
    static func row(_ rows: StageRows, _ funnel: Int32, _ stage: Int32) -> Int { rows.row(funnel: funnel, stage: stage) ?? -1 }

    @Test func eachDealsChangesComeInDateOrderKeepingRecordedOrderWithinADay() {
        var h = StageHistory()
        // Deal 0 in order; deal 1 out of order with a tie on day 5; deal 2 with 40 changes
        // recorded newest first (the general sort); deal 3 none.
        for (deal, day) in [(0, 1), (1, 9), (0, 2), (1, 5), (1, 5), (1, 3), (0, 2)] { h.append(deal: deal, day: Int32(day), from: -1, to: 0) }
        for k in 0..<40 { h.append(deal: 2, day: Int32(100 - k / 2), from: -1, to: 0) }
        let index = DealHistoryIndex(h, dealCount: 4)
        func days(_ r: Int) -> [Int32] { index.range(of: r).map { h.day[Int(index.entries[$0])] } }
        func recorded(_ r: Int) -> [Int32] { index.range(of: r).map { index.entries[$0] } }
        #expect(days(0) == [1, 2, 2] as [Int32])
        #expect(recorded(0) == [0, 2, 6] as [Int32])
        #expect(days(1) == [3, 5, 5, 9] as [Int32])
        // The two changes of day 5 stay in the order recorded (entries 3, then 4).
        #expect(recorded(1) == [5, 3, 4, 1] as [Int32])
        let expectedDays: [Int32] = (0..<40).map { k in Int32(81 + k / 2) }
        #expect(days(2) == expectedDays)
        // Within each day of deal 2, the earlier recorded change first.
        let two = recorded(2)
        var inOrder = true
        for k in 1..<two.count where !(h.day[Int(two[k - 1])] < h.day[Int(two[k])] || two[k - 1] < two[k]) { inOrder = false }
        #expect(inOrder)
        #expect(index.range(of: 3).isEmpty)
    }

    @Test func aStageDeclaredAfterThousandsOfTextsIsFoundToo() throws {
        let first = Interpreter(state: FunnelState(), today: SnapshotFileTests.today)
        _ = try SnapshotFileTests.run("funnel A { stage Lead probability 10%\n stage Offer probability 50%\n won Won\n lost Lost }\n", first)
        var many = first.state
        for i in 0..<5000 { _ = many.pool.intern("text \(i)") }
        let second = Interpreter(state: many, today: SnapshotFileTests.today)
        _ = try SnapshotFileTests.run("funnel B { stage Intake probability 20%\n stage Offer probability 60%\n won Done\n lost Dropped }\n", second)
        let state = second.state
        let pool = state.pool
        let a = try #require(pool.code(of: "A")), b = try #require(pool.code(of: "B"))
        let lead = try #require(pool.code(of: "Lead")), offer = try #require(pool.code(of: "Offer"))
        let intake = try #require(pool.code(of: "Intake")), won = try #require(pool.code(of: "Won"))
        #expect(intake >= FunnelStageTable.denseCodes)
        let rows = StageRows(state, includeWon: false)
        #expect(rows.names == ["Lead", "Offer", "Intake"])
        #expect(Self.row(rows, a, lead) == 0)
        #expect(Self.row(rows, a, offer) == 1)
        #expect(Self.row(rows, b, offer) == 1)
        #expect(Self.row(rows, b, intake) == 2)
        #expect(Self.row(rows, a, intake) == -1)
        #expect(Self.row(rows, b, lead) == -1)
        #expect(Self.row(rows, a, won) == -1)
        #expect(Self.row(rows, a, Empty.text) == -1)
        #expect(Self.row(rows, Empty.text, lead) == -1)
        let withWon = StageRows(state, includeWon: true)
        #expect(Self.row(withWon, a, won) == 2)
        // Positions (conversion) through the same table: open stages 1...n, won n + 1.
        let positions = StagePositions(state)
        #expect(positions.position(funnel: a, stage: lead) == 1)
        #expect(positions.position(funnel: a, stage: won) == 3)
        #expect(positions.position(funnel: b, stage: intake) == 1)
        #expect(positions.position(funnel: b, stage: offer) == 2)
        #expect(positions.position(funnel: a, stage: intake) == 0)
        let done = try #require(pool.code(of: "Done")), dropped = try #require(pool.code(of: "Dropped"))
        #expect(positions.position(funnel: b, stage: done) == 3)
        #expect(positions.position(funnel: b, stage: dropped) == 0)
    }
}
