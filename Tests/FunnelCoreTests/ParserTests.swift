import Testing
@testable import FunnelCore

struct ParserTests {
    func parse(_ text: String) -> ParseResult { Parser.parse(SourceFile(name: "t.funnel", text: text)) }

    func rendered(_ text: String) -> [String] {
        parse(text).diagnostics.map(DiagnosticRenderer.render)
    }

    func only(_ text: String) -> StatementKind? {
        let r = parse(text)
        #expect(r.diagnostics.isEmpty)
        return r.statements.first?.kind
    }

    /// A literal that nothing continues is taken at once; the tree and the position after it
    /// are what the descent through every precedence level gives, and a literal that
    /// something continues (an operator, a unit, `in`, `.month`) still takes the descent.
    @Test func standaloneLiteralsParseAsTheDescentDoes() throws {
        let sources = ["\"Deal 1\",", "12}", "120k)", "25%;", "2026-01-05\n", "999999999999999.99", "\"x\" on 2026-01-01",
                       "7 ON today", "1 + 2,", "3 days,", "\"a\" in (\"a\"),", "2026-01-05.month,", "5 * 2", "\"a\" = \"b\"",
                       "2026-03,", "true,", "x,"]
        for text in sources {
            var fast = Parser(file: SourceFile(name: "t.funnel", text: text))
            var full = Parser(file: SourceFile(name: "t.funnel", text: text))
            let a = try fast.parseExpression()
            let b = try full.parseOr(depth: 0).expr
            #expect(a == b, "\(text)")
            #expect(fast.index == full.index, "\(text)")
        }
        var p = Parser(file: SourceFile(name: "t.funnel", text: "\"Deal 1\", x"))
        #expect(p.standaloneLiteral() == Expr(.string("Deal 1"), SourceRange(0, 8)))
        #expect(p.index == 1)
        var q = Parser(file: SourceFile(name: "t.funnel", text: "3 days"))
        #expect(q.standaloneLiteral() == nil)
        #expect(q.index == 0)
    }

    @Test func headlineQuery() throws {
        guard case .query(let q)? = only("forecast where stage >= Proposal by team") else {
            Issue.record("not a query"); return
        }
        #expect(q.verb == .forecast)
        #expect(q.filter?.kind == .binary(.ge, Expr(.name("stage"), SourceRange(15, 20)), Expr(.name("Proposal"), SourceRange(24, 32))))
        #expect(q.groups == [Expr(.name("team"), SourceRange(36, 40))])
        #expect(q.range == SourceRange(0, 40))
    }

    @Test func clausesContinueOnTheNextLine() {
        let r = parse("forecast\n  where stage >= Proposal\n  by team\npipeline")
        #expect(r.diagnostics.isEmpty)
        #expect(r.statements.count == 2)
        guard case .query(let q) = r.statements[0].kind else { Issue.record("not a query"); return }
        #expect(q.groups.count == 1)
        #expect(q.filter != nil)
    }

    @Test func showStatementIsNotAShowClause() {
        let r = parse("deals where stale\nshow funnel F")
        #expect(r.statements.map(\.kind.isShowFunnel) == [false, true])
    }

    @Test func trailingOperatorContinues() {
        let r = parse("deals where amount >\n 5 and\n owner = \"x\"")
        #expect(r.diagnostics.isEmpty)
        #expect(r.statements.count == 1)
    }

    @Test func precedenceAndOverOr() {
        guard case .query(let q)? = only("deals where a or b and not c") else { Issue.record("not a query"); return }
        guard case .binary(.or, _, let rhs)? = q.filter?.kind else { Issue.record("or is not the root"); return }
        guard case .binary(.and, _, let notC) = rhs.kind, case .not = notC.kind else { Issue.record("and/not shape"); return }
    }

    @Test func funnelDeclaration() {
        let text = """
        funnel E {
          stage Q probability 10% stale after 3 weeks {
            task "Call" for sdr due 2 days
            exit when budget and x is not empty
            on enter notify boss "hi {id}"
          }
          stage "Needs Analysis" probability 40% category commit
          won W
          lost L
        }
        """
        guard case .funnel(let f)? = only(text) else { Issue.record("not a funnel"); return }
        #expect(f.name.text == "E")
        #expect(f.stages.map(\.name.text) == ["Q", "Needs Analysis"])
        #expect(f.stages[0].probability == 0.1)
        #expect(f.stages[0].staleAfter == Duration(count: 3, unit: .weeks))
        #expect(f.stages[0].tasks == [TaskSpec(title: "Call", role: "sdr", due: Duration(count: 2, unit: .days))])
        #expect(f.stages[0].onEnter == [.notify(role: "boss", message: "hi {id}")])
        #expect(f.stages[1].category == .commit)
        #expect(f.won.map(\.text) == ["W"])
        #expect(f.lost.map(\.text) == ["L"])
    }

    @Test func dealWithFieldsAndDate() {
        guard case .deal(let id, let funnel, let fields, let on)? = only("deal \"D-1\" in E { name: \"Acme\", amount: 120k,\n owner: \"li\" } on 2026-01-10") else {
            Issue.record("not a deal"); return
        }
        #expect(id.kind == .string("D-1"))
        #expect(funnel?.text == "E")
        #expect(fields.map(\.field.text) == ["name", "amount", "owner"])
        #expect(fields[1].value.kind == .number(120_000))
        #expect(on?.kind == .date(Calendar.day(year: 2026, month: 1, day: 10)))
    }

    @Test func everyStatementFormParses() {
        let script = """
        field region text one of ("East", "West") required
        rule big on enter Proposal in E where amount >= 100k do notify "vp" "Deal {id}"
        rule esc when stale do notify director "{id} stale"
        set deal "D-1" a = true, b = "x"
        move deal "D-1" to Negotiation force because "ok" on 2026-02-01
        win deal "D-1" on 2026-04-02
        lose deal "D-2" because "price" on 2026-03-01
        reopen deal "D-2" to Proposal
        lead "L-77" { company: "Globex", budget: true } on 2026-01-05
        leads qualify when budget and authority and need
        qualify lead "L-78"
        disqualify lead "L-79" because "no budget"
        convert lead "L-78" to deal "D-1004" in Enterprise
        import deals from "export.csv" into E (id = opportunity_id, team = teams[sales_agent].manager, entered Engaging = engage_date)
        import table teams from "sales_teams.csv" key sales_agent
        import history from "h.csv" (deal = "Opportunity ID", stage = "To Stage", at = "Changed On")
        export deals where status = open to "open.csv"
        why deal "D-1001" to Negotiation
        tasks where status = open and for = "legal"
        done task 17
        done task "Prepare" for deal "D-1001"
        check rules
        notifications where for = "sales_director" and status = new
        ack notifications where deal = "D-1001"
        ack notification 3
        conversion of leads by source
        deals where stage >= Proposal and owner = "li.wei" order by amount desc limit 10
        sum amount by team, close_date.month
        conversion by source during 2026-Q1
        win rate by team during last 90 days
        time in stage by stage
        cycle by product
        velocity by team
        stale by owner
        calibration
        bottlenecks
        history of deal "D-1001"
        forecast by team as of 2026-03-31
        forecast by owner during this quarter
        chart funnel Enterprise
        chart forecast by team
        show funnel Enterprise
        show fields
        check
        .format json
        """
        let r = parse(script)
        #expect(r.diagnostics.map(DiagnosticRenderer.render) == [])
        #expect(r.statements.count == script.split(separator: "\n").count)
    }

    @Test func exactMessageForAMissingTo() {
        #expect(rendered("move deal \"x\" Discovery") == ["""
        t.funnel:1:15: error[E101]: expected 'to' and a stage, found 'Discovery'
         1 | move deal "x" Discovery
           |               ^^^^^^^^^
        """])
    }

    @Test func misspeltVerbGetsASuggestion() {
        #expect(rendered("forcast by team") == ["""
        t.funnel:1:1: error[E103]: unknown statement 'forcast'
         1 | forcast by team
           | ^^^^^^^
        help: did you mean 'forecast'?
        """])
    }

    @Test func caretUnderChineseTextUsesDisplayColumns() {
        #expect(rendered("deal \"甲\" in 企业 { 名称 \"x\" }") == ["""
        t.funnel:1:21: error[E101]: expected ':' after the field name, found string "x"
         1 | deal "甲" in 企业 { 名称 "x" }
           |                          ^^^
        """])
    }

    @Test func everySyntaxErrorIsReported() {
        let r = parse("move deal \"x\" Discovery\npipeline\nsum\ncount deals order amount")
        #expect(r.diagnostics.map(\.code) == ["E101", "E101", "E101"])
        #expect(r.statements.count == 1)
    }

    @Test func incompleteInputIsFlaggedForTheREPL() {
        #expect(parse("funnel E {\n  stage A probability 10%").isIncomplete)
        #expect(parse("forecast where").isIncomplete)
        #expect(parse("deals where amount >").isIncomplete)
        #expect(parse("deal \"x\" in E { amount: 5,").isIncomplete)
        #expect(!parse("forecast by team").isIncomplete)
        #expect(!parse("forecast by ,").isIncomplete)
        #expect(!parse("deal \"x").isIncomplete)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "deals where " + String(repeating: "(", count: 5000) + "true" + String(repeating: ")", count: 5000)
        #expect(parse(deep).diagnostics.map(\.code) == ["E108"])
        let nots = "deals where " + String(repeating: "not ", count: 5000) + "true"
        #expect(parse(nots).diagnostics.map(\.code) == ["E108"])
    }

    @Test func emptyInputHasNoStatements() {
        let r = parse("  \n-- nothing\n;;\n")
        #expect(r.statements.isEmpty)
        #expect(r.diagnostics.isEmpty)
    }
}

extension StatementKind {
    var isShowFunnel: Bool { if case .showFunnel = self { return true } else { return false } }
}

/// An entry that ends inside a bracket names the innermost one left open, and its line.
@Test func endOfInputNamesTheBracketLeftOpen() {
    let parsed = Parser.parse(SourceFile(name: "t", text: "count deals where (amount > 1\n  and team = lower(owner"))
    #expect(parsed.isIncomplete)
    #expect(parsed.diagnostics.map(\.notes) == [["to close the '(' at line 2"]])
    let closed = Parser.parse(SourceFile(name: "t", text: "count deals where (amount > 1\n"))
    #expect(closed.diagnostics.map(\.notes) == [["to close the '(' at line 1"]])
}
