import Testing
@testable import FunnelCore

/// The pipeline example of the brief, shared by the format tests.
let pipelineExample = ResultTable(
    columns: [ResultColumn("stage", .text), ResultColumn("deals", .integer),
              ResultColumn("amount", .money), ResultColumn("weighted", .money)],
    rows: [[.text("Proposal"), .number(2), .number(220_000), .number(110_000)],
           [.text("Negotiation"), .number(1), .number(80_000), .number(60_000)]],
    total: [.text("total"), .number(3), .number(300_000), .number(170_000)])

@Suite struct RenderTestsTable {
    @Test func pipelineExample_() {
        #expect(TableRenderer.render(pipelineExample) == """
            stage        deals   amount  weighted
            -----------  -----  -------  --------
            Proposal         2  220,000   110,000
            Negotiation      1   80,000    60,000
            -----------  -----  -------  --------
            total            3  300,000   170,000
            """)
    }

    @Test func chineseStagesAlignAndMoneyShowsCentsColumnWide() {
        let t = ResultTable(
            columns: [ResultColumn("stage", .text), ResultColumn("deals", .integer), ResultColumn("amount", .money)],
            rows: [[.text("初步接洽"), .number(5), .number(1234.5)],
                   [.text("需求分析"), .number(3), .number(1_000_000)],
                   [.text("方案呈现"), .number(1), .number(-250)]],
            total: [.text("total"), .number(9), .number(1_000_984.5)])
        #expect(TableRenderer.render(t) == [
            "stage     deals        amount",
            "--------  -----  ------------",
            "初步接洽      5      1,234.50",
            "需求分析      3  1,000,000.00",
            "方案呈现      1       -250.00",
            "--------  -----  ------------",
            "total         9  1,000,984.50",
        ].joined(separator: "\n"))
    }

    @Test func ratesDaysAndNulls() {
        let t = ResultTable(
            columns: [ResultColumn("stage", .text), ResultColumn("reached", .integer),
                      ResultColumn("next_rate", .rate), ResultColumn("avg_days", .days)],
            rows: [[.text("Discovery"), .number(40), .number(0.425), .number(12)],
                   [.text("Proposal"), .number(20), .number(1), .number(0)],
                   [.text("Won"), .number(17), .null, .number(3.25)]])
        #expect(TableRenderer.render(t) == [
            "stage      reached  next_rate  avg_days",
            "---------  -------  ---------  --------",
            "Discovery       40      42.5%      12.0",
            "Proposal        20     100.0%       0.0",
            "Won             17          -       3.3",
        ].joined(separator: "\n"))
    }

    @Test func leftAlignedLastColumnHasNoTrailingSpaces() {
        let t = ResultTable(
            columns: [ResultColumn("id", .text), ResultColumn("closed", .date), ResultColumn("won", .bool)],
            rows: [[.text("D-1"), .date(Calendar.day(year: 2026, month: 4, day: 2)), .bool(true)],
                   [.text("D-22"), .null, .bool(false)]])
        #expect(TableRenderer.render(t) == [
            "id    closed      won",
            "----  ----------  -----",
            "D-1   2026-04-02  true",
            "D-22  -           false",
        ].joined(separator: "\n"))
    }

    @Test func emptyTableIsHeaderAndRule() {
        let t = ResultTable(columns: [ResultColumn("stage", .text), ResultColumn("deals", .integer)])
        #expect(TableRenderer.render(t) == "stage  deals\n-----  -----")
        #expect(TableRenderer.render(ResultTable(columns: [])) == "")
    }

    @Test func controlCharactersCannotBreakARow() {
        let t = ResultTable(columns: [ResultColumn("name", .text), ResultColumn("n", .integer)],
                            rows: [[.text("two\nlines"), .number(1)]])
        #expect(TableRenderer.render(t) == [
            #"name        n"#,
            #"----------  -"#,
            #"two\nlines  1"#,
        ].joined(separator: "\n"))
    }

    @Test func maxWidthTruncatesTheWidestTextColumnAtACharacter() {
        let t = ResultTable(
            columns: [ResultColumn("stage", .text), ResultColumn("owner", .text), ResultColumn("amount", .money)],
            rows: [[.text("需求分析与方案设计阶段"), .text("li.wei"), .number(120_000)]])
        // Natural width 22 + 6 + 7 + 4 = 39.
        #expect(TableRenderer.render(t, maxWidth: 30) == [
            "stage          owner    amount",
            "-------------  ------  -------",
            "需求分析与方…  li.wei  120,000",
        ].joined(separator: "\n"))
        // 12 columns for the stage: a fifth character would straddle the ellipsis.
        #expect(TableRenderer.render(t, maxWidth: 29) == [
            "stage         owner    amount",
            "------------  ------  -------",
            "需求分析与…   li.wei  120,000",
        ].joined(separator: "\n"))
        // Never below 8 columns, and numbers are never cut: at 25 columns (8 + 6 + 7 + 4) it fits.
        #expect(TableRenderer.render(t, maxWidth: 25) == [
            "stage     owner    amount",
            "--------  ------  -------",
            "需求分…   li.wei  120,000",
        ].joined(separator: "\n"))
        #expect(TableRenderer.render(t, maxWidth: 80) == TableRenderer.render(t))
    }

    /// Narrower than the cut columns: the table is not left to wrap. Columns are left out from
    /// the right, shown as one `…` column, and a line names them (cut to the width too).
    @Test func columnsThatDoNotFitAreLeftOutNotWrapped() {
        let t = ResultTable(
            columns: [ResultColumn("stage", .text), ResultColumn("owner", .text), ResultColumn("amount", .money)],
            rows: [[.text("需求分析与方案设计阶段"), .text("li.wei"), .number(120_000)]],
            total: [.text("total"), .null, .number(120_000)])
        // 24 < 25: amount goes; stage takes 24 - 3 - 2 - 6 = 13 columns.
        #expect(TableRenderer.render(t, maxWidth: 24) == [
            "stage          owner   …",
            "-------------  ------  -",
            "需求分析与方…  li.wei  …",
            "-------------  ------  -",
            "total          -       …",
            "(1 column not shown: am…",
        ].joined(separator: "\n"))
        // Only the first column fits: never fewer than one.
        #expect(TableRenderer.render(t, maxWidth: 10) == [
            "stage     …",
            "--------  -",
            "需求分…   …",
            "--------  -",
            "total     …",
            "(2 column…",
        ].joined(separator: "\n"))
        let wide = TableRenderer.render(t, maxWidth: 60)
        #expect(wide == TableRenderer.render(t))
        for width in [12, 20, 24, 30, 40] {
            let lines = TableRenderer.render(t, maxWidth: width).split(separator: "\n")
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= width }, "width \(width)")
        }
        #expect(!TableRenderer.render(t, maxWidth: 39).contains("not shown"))
        // One column short: the stage is cut by one, nothing is left out.
        #expect(TableRenderer.render(t, maxWidth: 38).split(separator: "\n").map(String.init) == [
            "stage                  owner    amount",
            "---------------------  ------  -------",
            "需求分析与方案设计阶…  li.wei  120,000",
            "---------------------  ------  -------",
            "total                  -       120,000",
        ])
    }

    @Test func aHeaderIsNeverCut() {
        let t = ResultTable(columns: [ResultColumn("aaaaaaaaaaaa", .text), ResultColumn("bbbbbbbbbbbb", .text)],
                            rows: [[.text("x"), .text("y")]])
        #expect(TableRenderer.render(t, maxWidth: 40) == "aaaaaaaaaaaa  bbbbbbbbbbbb\n------------  ------------\nx             y")
        #expect(TableRenderer.render(t, maxWidth: 21) == [
            "aaaaaaaaaaaa  …",
            "------------  -",
            "x             …",
            "(1 column not shown:…",
        ].joined(separator: "\n"))
    }

    @Test func maxWidthShrinksTiedColumnsInTurn() {
        let t = ResultTable(columns: [ResultColumn("a", .text), ResultColumn("b", .text)],
                            rows: [[.text("aaaaaaaaaaaa"), .text("bbbbbbbbbbbb")]])
        #expect(TableRenderer.render(t, maxWidth: 21) == "a          b\n---------  ----------\naaaaaaaa…  bbbbbbbbb…")
    }
}
