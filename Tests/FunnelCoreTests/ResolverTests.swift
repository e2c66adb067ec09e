import Testing
@testable import FunnelCore

struct ResolverTests {
    static let setup = """
    field budget_confirmed bool
    funnel Enterprise {
      stage Qualification probability 10%
      stage Proposal probability 50%
      won Won
      lost Lost
    }

    """

    func problems(_ text: String) -> [String] {
        let file = SourceFile(name: "r.funnel", text: Self.setup + text)
        let parsed = Parser.parse(file)
        #expect(parsed.diagnostics.isEmpty)
        return Resolver.resolve(parsed.statements, file: file, catalog: Catalog()).map { d in
            "\(d.code) \(d.message)" + (d.help.map { " | \($0)" } ?? "")
        }
    }

    @Test func declarationsEarlierInTheScriptCount() {
        #expect(problems("forecast where stage >= Proposal and budget_confirmed by team") == [])
    }

    @Test func unknownNamesSuggestTheClosest() {
        #expect(problems("deals where budget_confirmd") == ["E201 unknown field 'budget_confirmd' | did you mean 'budget_confirmed'?"])
        #expect(problems("deals where stage = Propsal") == ["E202 unknown stage 'Propsal' | did you mean 'Proposal'?"])
        #expect(problems("deal \"x\" in Enterprize") == ["E203 unknown funnel 'Enterprize' | did you mean 'Enterprise'?"])
        #expect(problems("deals where Proposal") == ["E201 unknown field 'Proposal' | 'Proposal' is a stage; compare it with stage: stage = Proposal"])
    }

    @Test func typeErrorsBeforeAnythingRuns() {
        #expect(problems("deals where amount > \"abc\"") == ["E301 cannot compare amount (an amount) with \"abc\" (text) | amount takes values like 120000 or 120k"])
        #expect(problems("deals where stage >= 5") == ["E302 stage compares with a stage name, not 5 | write a stage name, like stage >= Qualification"])
        #expect(problems("deals where amount") == ["E307 a where condition must be true or false, and amount is an amount | compare it: amount = ..."])
        #expect(problems("deal \"x\" { amount: \"lots\" }") == ["E301 amount is an amount, not text | write a value like 120000 or 120k"])
        #expect(problems("deals where created < 5 days") == ["E301 cannot compare created (a date) with 5 days (a duration) | created takes values like 2026-03-14"])
    }

    @Test func fieldsThatCannotBeSet() {
        #expect(problems("set deal \"x\" stage = Proposal") == ["E208 'stage' cannot be set directly | use move deal ... to STAGE"])
        #expect(problems("set deal \"x\" weighted = 5") == ["E208 'weighted' cannot be set directly"])
    }

    @Test func resultColumnFiltersGroups() {
        #expect(problems("forecast by team where weighted > 100k and stage >= Proposal") == [])
        #expect(problems("forecast by team where weightd > 100k") == ["E201 unknown field 'weightd' | did you mean 'weighted'?"])
    }

    @Test func funnelDeclarationMistakes() {
        #expect(problems("funnel X { stage A probability 10% }") == ["E212 funnel 'X' needs a won and a lost stage | add the lines: won \"Closed Won\" and lost \"Closed Lost\""])
        #expect(problems("funnel X { won W\n lost L }") == ["E212 funnel 'X' has no open stages | add stages in order: stage Qualification probability 10%"])
        #expect(problems("funnel X like Y { stage A probability 10% }") == ["E203 unknown funnel 'Y' | the funnels are: Enterprise"])
        #expect(problems("funnel X { stage A probability 10%\n stage A probability 20%\n won W\n lost L }") == ["E211 stage 'A' is declared twice in funnel 'X'"])
        #expect(problems("field amount money") == ["E210 'amount' is a built-in field and cannot be declared again | choose another name"])
    }
}
