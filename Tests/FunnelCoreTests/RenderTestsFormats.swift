import Testing
@testable import FunnelCore

@Suite struct RenderTestsFormats {
    @Test func csvQuotesOnlyWhatNeedsIt() {
        let t = ResultTable(
            columns: [ResultColumn("name", .text), ResultColumn("note", .text),
                      ResultColumn("amount", .money), ResultColumn("rate", .rate)],
            rows: [[.text("a,b"), .text(#"say "hi""#), .number(1234.5), .number(0.425)],
                   [.text("line1\nline2"), .null, .number(1000), .null],
                   [.text("初步接洽"), .text("cr\r"), .number(-5), .number(1)]],
            total: [.text("total"), .null, .number(2229.5), .null])
        #expect(DelimitedRenderer.csv(t) == """
            name,note,amount,rate
            "a,b","say ""hi\""",1234.5,0.425
            "line1
            line2",,1000,
            初步接洽,"cr\r",-5,1
            """)
    }

    @Test func csvKeepsALoneEmptyFieldVisible() {
        let t = ResultTable(columns: [ResultColumn("note", .text)], rows: [[.text("")], [.null], [.text("x")]])
        #expect(DelimitedRenderer.csv(t) == "note\n\"\"\n\"\"\nx")
        #expect(DelimitedRenderer.csv(ResultTable(columns: [ResultColumn("a", .text), ResultColumn("b", .integer)])) == "a,b")
    }

    @Test func tsvEscapesTabsNewlinesAndBackslashes() {
        let t = ResultTable(
            columns: [ResultColumn("name", .text), ResultColumn("path", .text), ResultColumn("rate", .rate),
                      ResultColumn("won", .bool), ResultColumn("closed", .date)],
            rows: [[.text("a\tb"), .text(#"C:\deals"#), .number(0.425), .bool(true),
                    .date(Calendar.day(year: 2026, month: 3, day: 14))],
                   [.text("x\ny\rz"), .null, .null, .bool(false), .null]],
            total: [.text("total"), .null, .null, .null, .null])
        #expect(DelimitedRenderer.tsv(t) == [
            ["name", "path", "rate", "won", "closed"],
            [#"a\tb"#, #"C:\\deals"#, "0.425", "true", "2026-03-14"],
            [#"x\ny\rz"#, "", "", "false", ""],
        ].map { $0.joined(separator: "\t") }.joined(separator: "\n"))
    }

    @Test func jsonIsOneLineInColumnOrderWithoutTotal() {
        #expect(JSONRenderer.render(pipelineExample) ==
            #"[{"stage":"Proposal","deals":2,"amount":220000,"weighted":110000},{"stage":"Negotiation","deals":1,"amount":80000,"weighted":60000}]"#)
        #expect(JSONRenderer.render(ResultTable(columns: [ResultColumn("stage", .text)])) == "[]")
    }

    @Test func jsonEscapesStringsAndTypesValues() {
        let t = ResultTable(
            columns: [ResultColumn("s", .text), ResultColumn("d", .date), ResultColumn("r", .rate),
                      ResultColumn("b", .bool), ResultColumn("l", .text), ResultColumn("m", .money),
                      ResultColumn("say \"k\"", .number)],
            rows: [[.text("say \"hi\" \\ back\nslash\t中文\u{1}"), .date(Calendar.day(year: 2026, month: 3, day: 14)),
                    .number(0.425), .bool(true), .list([.text("East"), .number(1), .null]), .number(.nan),
                    .number(1234.5)],
                   []])
        #expect(JSONRenderer.render(t) == #"[{"s":"say \"hi\" \\ back\nslash\t中文\u0001","d":"2026-03-14","r":0.425,"b":true,"l":["East",1,null],"m":null,"say \"k\"":1234.5},{"s":null,"d":null,"r":null,"b":null,"l":null,"m":null,"say \"k\"":null}]"#)
    }

    @Test func jsonNumbers() {
        #expect(JSONRenderer.value(.number(9_007_199_254_740_992)) == "9007199254740992")
        #expect(JSONRenderer.value(.number(18_014_398_509_481_984)) == "1.8014398509481984e+16")
        #expect(JSONRenderer.value(.number(-0.5)) == "-0.5")
        #expect(JSONRenderer.value(.number(-.infinity)) == "null")
        #expect(JSONRenderer.value(.number(Double.leastNonzeroMagnitude)) == "5e-324")
    }

    @Test func markdownTableWithTotal() {
        #expect(MarkdownRenderer.render(pipelineExample) == """
            | stage | deals | amount | weighted |
            | --- | ---: | ---: | ---: |
            | Proposal | 2 | 220,000 | 110,000 |
            | Negotiation | 1 | 80,000 | 60,000 |
            | total | 3 | 300,000 | 170,000 |
            """)
    }

    @Test func markdownEscapesPipesAndFormatsLikeTheTable() {
        let t = ResultTable(
            columns: [ResultColumn("a|b", .text), ResultColumn("rate", .rate), ResultColumn("amount", .money)],
            rows: [[.text("x|y"), .number(0.425), .number(0.5)], [.text("需求分析\n"), .null, .number(12)]])
        #expect(MarkdownRenderer.render(t) == """
            | a\\|b | rate | amount |
            | --- | ---: | ---: |
            | x\\|y | 42.5% | 0.50 |
            | 需求分析\\n | - | 12.00 |
            """)
        #expect(MarkdownRenderer.render(ResultTable(columns: [ResultColumn("stage", .text)])) == "| stage |\n| --- |")
    }

    @Test func rendererDispatchesByFormat() {
        #expect(Renderer.render(pipelineExample, as: .table) == TableRenderer.render(pipelineExample))
        #expect(Renderer.render(pipelineExample, as: .csv) == """
            stage,deals,amount,weighted
            Proposal,2,220000,110000
            Negotiation,1,80000,60000
            """)
        #expect(Renderer.render(pipelineExample, as: .tsv, maxWidth: 5) ==
            "stage\tdeals\tamount\tweighted\nProposal\t2\t220000\t110000\nNegotiation\t1\t80000\t60000")
        #expect(Renderer.render(pipelineExample, as: .json) == JSONRenderer.render(pipelineExample))
        #expect(Renderer.render(pipelineExample, as: .markdown) == MarkdownRenderer.render(pipelineExample))
        // Cut to fit, not wrapped: amount and weighted are left out (TableRenderer).
        #expect(Renderer.render(pipelineExample, as: .table, maxWidth: 20) == """
            stage       deals  …
            ----------  -----  -
            Proposal        2  …
            Negotiati…      1  …
            ----------  -----  -
            total           3  …
            (2 columns not show…
            """)
    }
}
