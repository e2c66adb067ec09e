import Testing
@testable import FunnelCore

/// The interpreter without the shell: statements in, result tables out.
struct InterpreterTests {
    let today = Calendar.day(year: 2026, month: 3, day: 15)

    func run(_ text: String) throws -> [StatementOutput] {
        let file = SourceFile(name: "i.funnel", text: text)
        let program = try Compiler.compile(file, catalog: Catalog()).get()
        let interpreter = Interpreter(state: FunnelState(), today: today)
        return try program.statements.map { try interpreter.execute($0, file: file) }
    }

    static let funnel = """
    funnel F {
      stage A probability 20%
      stage B probability 50% category best_case
      stage C probability 80% category commit
      won W
      lost L
    }

    """

    @Test func forecastArithmetic() throws {
        // Open: 100k in A (20% → 20k), 50k in B (50% → 25k, best case), 40k in C with its own
        // 90% (36k, commit). Won 10k in the window; lost 999k ignored.
        let outputs = try run(Self.funnel + """
        deal "1" { amount: 100k, close_date: 2026-03-20 } on 2026-01-01
        deal "2" { amount: 50k, stage: B, close_date: 2026-03-21 } on 2026-01-01
        deal "3" { amount: 40k, stage: C, probability: 90%, close_date: 2026-03-22 } on 2026-01-01
        deal "4" { amount: 10k, stage: C } on 2026-01-01
        deal "5" { amount: 999k, stage: C, close_date: 2026-03-01 } on 2026-01-01
        deal "6" { amount: 7k, close_date: 2026-05-01 } on 2026-01-01
        win deal "4" on 2026-02-10
        lose deal "5" on 2026-02-11
        forecast during 2026-Q1
        """)
        guard case .table(let t)? = outputs.last else { Issue.record("no table"); return }
        #expect(t.columns.map(\.name) == ["deals", "amount", "weighted", "commit", "best_case", "closed", "forecast"])
        func m(_ units: Int) -> Value { .money(Money(cents: units * 100)) }
        #expect(t.rows == [[.number(3), m(190_000), m(81_000), m(40_000), m(90_000), m(10_000), m(91_000)]])
    }

    @Test func pipelineListsEveryOpenStageWithATotal() throws {
        let outputs = try run(Self.funnel + """
        deal "1" { amount: 100k }
        deal "2" { amount: 30k, stage: C }
        pipeline
        """)
        guard case .table(let t)? = outputs.last else { Issue.record("no table"); return }
        func m(_ units: Int) -> Value { .money(Money(cents: units * 100)) }
        #expect(t.rows == [[.text("A"), .number(1), m(100_000), m(20_000)],
                           [.text("B"), .number(0), m(0), m(0)],
                           [.text("C"), .number(1), m(30_000), m(24_000)]])
        #expect(t.total == [.text("total"), .number(2), m(130_000), m(44_000)])
    }

    @Test func refusedMoveNamesEveryUnmetCriterion() throws {
        let text = """
        field ok bool
        field who text
        funnel G { stage A probability 10% { exit when ok and who is not empty }
          stage B probability 50%
          won W
          lost L }
        deal "1" { amount: 5 }
        move deal "1" to B
        """
        do {
            _ = try run(text)
            Issue.record("the move was not refused")
        } catch let d as Diagnostic {
            #expect(d.code == "R201")
            #expect(d.message == "deal \"1\" cannot move to B: 2 exit criteria are not met")
            #expect(d.notes == ["A: ok — ok is empty", "A: who is not empty — who is empty"])
        }
    }

    @Test func failedStatementAppliesNothing() throws {
        let file = SourceFile(name: "i.funnel", text: Self.funnel + "deal \"1\" { amount: 5 }\nmove deal \"2\" to B")
        let program = try Compiler.compile(file, catalog: Catalog()).get()
        let interpreter = Interpreter(state: FunnelState(), today: today)
        _ = try interpreter.execute(program.statements[0], file: file)
        _ = try interpreter.execute(program.statements[1], file: file)
        let pendingBefore = interpreter.pending.count
        #expect(throws: Diagnostic.self) { try interpreter.execute(program.statements[2], file: file) }
        #expect(interpreter.pending.count == pendingBefore)
        #expect(interpreter.state.history.count == 1)
    }

    @Test func replayRebuildsTheSameState() throws {
        let file = SourceFile(name: "i.funnel", text: Self.funnel + """
        field note text
        deal "1" { amount: 5k, note: "甲" } on 2026-01-01
        move deal "1" to C force because "vp" on 2026-01-05
        lose deal "1" because "price" on 2026-02-01
        reopen deal "1" on 2026-02-02
        """)
        let interpreter = Interpreter(state: FunnelState(), today: today)
        for s in try Compiler.compile(file, catalog: Catalog()).get().statements { _ = try interpreter.execute(s, file: file) }
        var replayed = FunnelState()
        for e in interpreter.pending {
            guard let event = DomainEvent(e) else { Issue.record("undecodable \(e.type)"); return }
            try replayed.apply(event, on: e.on)
        }
        #expect(replayed.stageName(ofRow: 0) == "C")
        #expect(replayed.deals.status == [.open])
        #expect(replayed.deals.custom["note"] == [.text("甲")])
        #expect(replayed.history.count == interpreter.state.history.count)
        #expect(replayed.deals.stageEntered == interpreter.state.deals.stageEntered)
    }
}
