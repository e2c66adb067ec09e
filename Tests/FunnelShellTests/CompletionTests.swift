import Testing
@testable import FunnelShell
import FunnelCore

struct FakeCatalog: CompletionCatalog {
    var fieldNames = ["amount", "budget_confirmed", "close_date", "created", "funnel", "id", "name", "owner",
                      "region", "stage", "status", "team", "预算金额"]
    var stageNames = ["Qualification", "Discovery", "Proposal", "Negotiation", "Closed Won", "Closed Lost",
                      "方案呈现", "需求分析"]
    var funnelNames = ["Enterprise", "SMB", "大客户"]
    var dealIDs = ["D-1001", "D-1002", "D-2001"]
    var tableNames = ["teams"]
    var fieldValues: [String: [String]] = [:]
    func tableColumns(_ table: String) -> [String] { table == "teams" ? ["manager", "region"] : [] }
    func values(of field: String) -> [String] { fieldValues[field] ?? [] }
    /// One directory level at a time, like a file system.
    func files(matching prefix: String) -> [String] {
        let tree: [String: [String]] = [
            "": ["data/", "deals.csv", "export.csv", "my file.csv"],
            "data/": ["data/deals.csv", "data/won.csv"],
        ]
        let dir = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        return (tree[dir] ?? []).filter { $0.hasPrefix(prefix) }
    }
}

/// Candidates with the cursor at `|` (or at the end).
func complete(_ text: String) -> [String] {
    let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
    let line = parts.joined()
    let cursor = parts[0].utf8.count
    return Completion.candidates(line: line, cursor: cursor, catalog: FakeCatalog())
}

let operands = ["amount", "budget_confirmed", "close_date", "created", "funnel", "id", "name", "owner", "region",
                "stage", "status", "team", "teams", "预算金额"]
let fields = ["amount", "budget_confirmed", "close_date", "created", "funnel", "id", "name", "owner", "region",
              "stage", "status", "team", "预算金额"]
/// In funnel order, as the catalog lists them: not sorted.
let stages = ["Qualification", "Discovery", "Proposal", "Negotiation", "\"Closed Won\"", "\"Closed Lost\"",
              "方案呈现", "需求分析"]
let funnels = ["Enterprise", "SMB", "大客户"]
let ids = ["\"D-1001\"", "\"D-1002\"", "\"D-2001\""]
let clauses = ["as of", "by", "during", "limit", "order by", "show", "where"]

@Suite struct StatementKeywordTests {
    @Test func emptyLineOffersEveryStatement() {
        #expect(complete("") == Completion.statementKeywords)
        #expect(complete("   ") == Completion.statementKeywords)
    }
    @Test func prefixIsCaseInsensitive() {
        #expect(complete("fo") == ["forecast"])
        #expect(complete("FO") == ["forecast"])
        #expect(complete("c") == ["calibration", "changes", "chart", "check", "conversion", "convert", "count", "currency", "cycle"])
    }
    @Test func multiWordStatements() {
        #expect(complete("w") == ["why", "win", "win rate"])
        #expect(complete("ti") == ["time in stage"])
        #expect(complete("win ") == ["deal", "rate"])
        #expect(complete("win r") == ["rate"])
        #expect(complete("time ") == ["in"])
        #expect(complete("time in ") == ["stage"])
        #expect(complete("time in stage ") == clauses)
        #expect(complete("win rate by team ") == ["as of", "during", "limit", "order by", "show", "where"])
    }
    @Test func afterSemicolonANewStatementStarts() {
        #expect(complete("deals; fo") == ["forecast"])
        #expect(complete("move deal \"D-1001\" to Proposal; pi") == ["pipeline"])
    }
    @Test func unknownWordsOfferNothing() {
        #expect(complete("xyz") == [])
        #expect(complete("frobnicate ") == [])
    }
}

@Suite struct DotCommandTests {
    /// Completion, `.help commands` and the parser share `DotCommand.specs`: every name in it
    /// parses (none is an unknown command) and completion offers exactly those names.
    @Test func oneListOfSessionCommands() {
        #expect(Completion.dotCommands == [".bail", ".cd", ".echo", ".exit", ".explain", ".format", ".headers", ".help",
                                           ".mode", ".nullvalue", ".once", ".open", ".output", ".print", ".quit", ".read", ".schema",
                                           ".shell", ".system", ".tables", ".timer", ".today", ".width"])
        for name in DotCommand.names {
            do { _ = try DotCommand.parse(name) } catch let d as Diagnostic {
                #expect(!d.message.hasPrefix("unknown session command"), "\(name): \(d.message)")
            } catch { Issue.record("\(name): \(error)") }
        }
        #expect(HelpText.topic("commands")?.split(separator: "\n").count == DotCommand.specs.count)
    }

    @Test func commandNames() {
        #expect(complete(".") == Completion.dotCommands)
        #expect(complete(".re") == [".read"])
        #expect(complete(".o") == [".once", ".open", ".output"])
        #expect(complete(".T") == [".tables", ".timer", ".today"])
        #expect(complete(".h") == [".headers", ".help"])
        #expect(complete("  .q") == [".quit"])
    }
    @Test func arguments() {
        #expect(complete(".format ") == ["box", "csv", "json", "line", "markdown", "table", "tsv"])
        #expect(complete(".headers o") == ["off", "on"])
        #expect(complete(".mode j") == ["json"])
        #expect(complete(".timer o") == ["off", "on"])
        #expect(complete(".bail of") == ["off"])
        #expect(complete(".today ") == [])
        #expect(complete(".format csv ") == [])
    }
    @Test func filePaths() {
        #expect(complete(".read ") == ["\"my file.csv\"", "data/", "deals.csv", "export.csv"])
        #expect(complete(".read d") == ["data/", "deals.csv"])
        #expect(complete(".read data/") == ["data/deals.csv", "data/won.csv"])
        #expect(complete(".once \"m") == ["\"my file.csv\""])
        #expect(complete(".output ex") == ["export.csv"])
        #expect(complete(".open zz") == [])
    }
}

@Suite struct ExpressionTests {
    @Test func fieldsAfterWhereAndConnectives() {
        #expect(complete("deals where ") == operands)
        #expect(complete("deals where a") == ["amount"])
        #expect(complete("deals where stage >= Proposal and ") == operands)
        #expect(complete("deals where not ") == operands)
        #expect(complete("deals where amount > ") == operands)
        #expect(complete("deals where (amount + ") == operands)
        #expect(complete("tasks where status = open or o") == ["owner"])
    }
    @Test func namesAreCaseSensitiveAndUnicode() {
        #expect(complete("deals where A") == [])
        #expect(complete("deals where 预") == ["预算金额"])
    }
    @Test func stagesAfterStageComparison() {
        #expect(complete("deals where stage >= ") == stages)
        #expect(complete("deals where stage >= Pro") == ["Proposal"])
        #expect(complete("deals where stage>=Pro") == ["Proposal"])
        #expect(complete("deals where stage >= pro") == [])
        #expect(complete("deals where stage = \"Clo") == ["\"Closed Won\"", "\"Closed Lost\""])
        #expect(complete("deals where stage = \"Closed W") == ["\"Closed Won\""])
        #expect(complete("deals where stage = Clo") == ["\"Closed Won\"", "\"Closed Lost\""])
        #expect(complete("deals where stage = 方") == ["方案呈现"])
        #expect(complete("deals where stage in (") == stages)
        #expect(complete("deals where stage in (Proposal, N") == ["Negotiation"])
    }
    @Test func otherValueSets() {
        #expect(complete("deals where funnel = ") == funnels)
        #expect(complete("deals where status = ") == ["lost", "open", "removed", "won"])
        #expect(complete("deals where status != w") == ["won"])
        #expect(complete("deals where id = \"D-2") == ["\"D-2001\""])
        #expect(complete("notifications where deal = ") == ids)
        #expect(complete("deals where team in (") == [])
        #expect(complete("deals where team in ") == [])
        #expect(complete("deals where name = \"abc") == [])
    }
    @Test func isAndIsNot() {
        #expect(complete("deals where owner is ") == ["empty", "not"])
        #expect(complete("deals where owner is not ") == ["empty"])
    }
    @Test func lookupsAndDateBuckets() {
        #expect(complete("deals where teams[") == operands)
        #expect(complete("deals where teams[owner].") == ["manager", "region"])
        #expect(complete("deals by teams[owner].m") == ["manager"])
        #expect(complete("sum amount by close_date.") == ["month", "quarter", "week", "year"])
        #expect(complete("sum amount by close_date.q") == ["quarter"])
    }
}

@Suite struct ClauseTests {
    @Test func afterTheVerb() {
        // forecast also starts the managers' reports.
        #expect(complete("forecast ") == (["accuracy", "history", "rollup"] + clauses).sorted())
        #expect(complete("forecast rollup ") == clauses)
        #expect(complete("attainment ") == (["rollup"] + clauses).sorted())
        #expect(complete("attainment rollup ") == clauses)
        #expect(complete("forecast history ") == ["for"])
        #expect(complete("forecast history for 华东 ") == clauses)
        // deals also starts deals changed since DATE.
        #expect(complete("deals ") == (["changed"] + clauses).sorted())
        #expect(complete("deals changed ") == (["since"] + clauses).sorted())
        #expect(complete("deals changed since 2026-03-01 ") == clauses)
        #expect(complete("pipeline w") == ["where"])
        #expect(complete("count ") == ["deals", "leads"])
        #expect(complete("count deals ") == clauses)
        #expect(complete("sum ") == operands)
        #expect(complete("sum amount ") == clauses)
        #expect(complete("conversion ") == ["as of", "by", "during", "limit", "of", "order by", "show", "where"])
        #expect(complete("conversion of ") == ["leads"])
        #expect(complete("conversion of leads ") == clauses)
        #expect(complete("leads ") == ["as of", "by", "during", "limit", "order by", "qualify", "show", "where"])
    }
    @Test func afterACompleteExpression() {
        #expect(complete("deals where stage >= Proposal ") ==
            ["and", "as of", "by", "during", "limit", "or", "order by", "show"])
        #expect(complete("deals where stage >= Proposal o") == ["or", "order by"])
        #expect(complete("deals where stage >= Proposal OR") == ["or", "order by"])
        #expect(complete("forecast by ") == operands)
        #expect(complete("forecast by team ") == ["as of", "during", "limit", "order by", "show", "where"])
        #expect(complete("forecast by team, ") == operands)
        #expect(complete("deals where stale show id, ") == operands)
    }
    @Test func eachClauseAtMostOnce() {
        #expect(complete("deals where a = 1 by team limit 5 ") == ["as of", "during", "order by", "show"])
    }
    @Test func orderBy() {
        #expect(complete("deals order ") == ["by"])
        #expect(complete("deals order b") == ["by"])
        #expect(complete("deals order by ") == operands)
        #expect(complete("deals order by amount ") == ["as of", "asc", "by", "desc", "during", "limit", "show", "where"])
        #expect(complete("deals order by amount desc ") == ["as of", "by", "during", "limit", "show", "where"])
    }
    @Test func limitDuringAsOf() {
        #expect(complete("deals limit ") == [])
        #expect(complete("deals limit 10") == [])
        #expect(complete("deals limit 10 ") == ["as of", "by", "during", "order by", "show", "where"])
        #expect(complete("forecast during ") == ["last", "next", "this"])
        #expect(complete("forecast during this ") == ["month", "quarter", "week", "year"])
        #expect(complete("forecast during last 90 ") == ["days"])
        #expect(complete("forecast during 2026-Q1 ") == ["as of", "by", "limit", "order by", "show", "where"])
        #expect(complete("forecast during 2026-01-01 to ") == [])
        #expect(complete("forecast as ") == ["of"])
        #expect(complete("forecast as of ") == [])
        #expect(complete("forecast by team as of 2026-03-31 ") == ["during", "limit", "order by", "show", "where"])
    }
    @Test func continuationLineOnItsOwn() {
        #expect(complete("  where stage >= Pro") == ["Proposal"])
        #expect(complete("forecast\n  where stage >= ") == stages)
        #expect(complete("forecast\n  by team\n  ") == ["as of", "during", "limit", "order by", "show", "where"])
    }
    @Test func export() {
        #expect(complete("export ") == ["deals", "history", "leads", "notifications", "tasks"])
        #expect(complete("export deals where status = open ") ==
            ["and", "as of", "by", "during", "limit", "or", "order by", "show", "to"])
        #expect(complete("export deals to ") == ["\"data/", "\"deals.csv\"", "\"export.csv\"", "\"my file.csv\""])
        #expect(complete("export deals where status = open to \"ex") == ["\"export.csv\""])
    }
}

@Suite struct DataStatementTests {
    @Test func dealIDs() {
        #expect(complete("deal ") == ids)
        #expect(complete("move deal ") == ids)
        #expect(complete("move deal \"D-1") == ["\"D-1001\"", "\"D-1002\""])
        #expect(complete("move deal D") == ids)
        #expect(complete("set deal \"D-20") == ["\"D-2001\""])
        #expect(complete("history of deal ") == ids)
        #expect(complete("done task 17 for deal ") == ids)
    }
    @Test func move() {
        #expect(complete("move ") == ["deal", "deals"])
        #expect(complete("move deal \"D-1001\" ") == ["to"])
        #expect(complete("move deal \"D-1001\" to ") == stages)
        #expect(complete("move deal \"D-1\" to 方") == ["方案呈现"])
        #expect(complete("move deal \"D-1\" to \"方") == ["\"方案呈现\""])
        #expect(complete("move deal \"D-1001\" to Proposal ") == ["force", "on"])
        #expect(complete("move deal \"D-1001\" to Proposal force ") == ["because"])
        #expect(complete("move deal \"D-1001\" to Proposal force because \"ok\" ") == ["on"])
        #expect(complete("move deal \"D-1001\" to Proposal on ") == [])
    }
    @Test func otherDealVerbs() {
        #expect(complete("win deal \"D-1001\" ") == ["on"])
        #expect(complete("lose deal \"D-1001\" ") == ["because", "on"])
        #expect(complete("lose deal \"D-1001\" because \"price\" ") == ["on"])
        #expect(complete("reopen deal \"D-1002\" ") == ["to"])
        #expect(complete("reopen deal \"D-1002\" to P") == ["Proposal"])
        #expect(complete("why deal \"D-1001\" to N") == ["Negotiation"])
        #expect(complete("history ") == ["of"])
        #expect(complete("history of ") == ["deal"])
    }
    @Test func set() {
        #expect(complete("set ") == ["deal"])
        #expect(complete("set deal \"D-1001\" ") == fields)
        #expect(complete("set deal \"D-1001\" budget_confirmed = true, de") == [])
        #expect(complete("set deal \"D-1001\" budget_confirmed = true, c") == ["close_date", "created"])
        #expect(complete("set deal \"D-1001\" stage = Q") == ["Qualification"])
        #expect(complete("set deal \"D-1001\" owner = ") == [])
        #expect(complete("set deal \"D-1001\" owner = \"x\" ") == ["on"])
    }
    @Test func dealDeclaration() {
        #expect(complete("deal \"D-9\" ") == ["in"])
        #expect(complete("deal \"D-9\" in ") == funnels)
        #expect(complete("deal \"D-9\" in 大") == ["大客户"])
        #expect(complete("deal \"D-9\" in SMB { ") == fields)
        #expect(complete("deal \"D-9\" in SMB { name: \"Acme\", am") == ["amount"])
        #expect(complete("deal \"D-9\" in SMB { name: ") == [])
        #expect(complete("deal \"D-9\" in SMB { name: \"Acme\" } ") == ["on"])
    }
    @Test func leads() {
        #expect(complete("qualify ") == ["lead"])
        #expect(complete("disqualify lead \"L-79\" ") == ["because"])
        #expect(complete("convert ") == ["lead"])
        #expect(complete("convert lead \"L-77\" ") == ["to"])
        #expect(complete("convert lead \"L-77\" to ") == ["deal"])
        #expect(complete("convert lead \"L-77\" to deal \"D-1003\" ") == ["in"])
        #expect(complete("convert lead \"L-77\" to deal \"D-1003\" in E") == ["Enterprise"])
        #expect(complete("leads qualify ") == ["when"])
        #expect(complete("leads qualify when b") == ["budget_confirmed"])
    }
    @Test func importStatements() {
        #expect(complete("import ") == ["deals", "history", "leads", "people", "quotas", "table"])
        #expect(complete("import deals ") == ["from"])
        #expect(complete("import deals from ") == ["\"data/", "\"deals.csv\"", "\"export.csv\"", "\"my file.csv\""])
        #expect(complete("import deals from \"data/") == ["\"data/deals.csv\"", "\"data/won.csv\""])
        #expect(complete("import deals from \"my") == ["\"my file.csv\""])
        #expect(complete("import deals from \"x.csv\" ") == ["into"])
        #expect(complete("import deals from \"x.csv\" into ") == funnels)
        #expect(complete("import deals from \"x.csv\" into Enterprise (") ==
            ["amount", "budget_confirmed", "close_date", "created", "entered", "funnel", "id", "name", "owner",
             "region", "stage", "status", "team", "预算金额"])
        #expect(complete("import deals from \"x.csv\" into Enterprise (id = opportunity_id, e") == ["entered"])
        #expect(complete("import deals from \"x.csv\" into Enterprise (id = opportunity_id, entered ") == stages)
        #expect(complete("import deals from \"x.csv\" into Enterprise (team = teams[sales_agent].") ==
            ["manager", "region"])
        #expect(complete("import table teams ") == ["from"])
        #expect(complete("import table teams from \"t.csv\" ") == ["key"])
        #expect(complete("import history ") == ["from"])
    }
}

@Suite struct DeclarationAndMiscTests {
    @Test func funnels() {
        #expect(complete("funnel ") == FunnelShellTests.funnels)
        #expect(complete("funnel SMB ") == ["like"])
        #expect(complete("funnel SMB like ") == FunnelShellTests.funnels)
        #expect(complete("show ") == ["fields", "funnel", "funnels", "rules", "tables"])
        #expect(complete("show funnel E") == ["Enterprise"])
        // Only the queries with a headline figure can be charted.
        #expect(complete("chart ") == ["avg", "changes", "conversion", "count", "cycle", "forecast", "funnel", "max", "min", "pipeline",
                                       "sum", "time in stage", "velocity", "win rate"])
        #expect(complete("chart funnel ") == FunnelShellTests.funnels)
        #expect(complete("chart forecast by ") == operands)
    }
    @Test func funnelBody() {
        #expect(complete("funnel E {\n  stage Q probability 10% {\n    exit when budget_confirmed and ") == operands)
        #expect(complete("funnel E {\n  stage Q probability 10% category ") == ["best_case", "commit", "pipeline"])
        #expect(complete("funnel E {\n  stage Q {\n    exit ") == ["when"])
        #expect(complete("funnel E {\n  stage N {\n    on ") == ["enter", "exit"])
    }
    @Test func fieldsAndRules() {
        #expect(complete("field region ") == ["bool", "date", "money", "number", "percent", "text"])
        #expect(complete("field region text ") == ["one of", "required"])
        #expect(complete("field region text one ") == ["of"])
        #expect(complete("rule big ") == ["on", "when"])
        #expect(complete("rule big on ") == ["enter", "exit"])
        #expect(complete("rule big on enter ") == stages)
        #expect(complete("rule big on enter Proposal ") == ["do", "in", "where"])
        #expect(complete("rule big on enter Proposal in ") == FunnelShellTests.funnels)
        #expect(complete("rule big on enter Proposal in Enterprise ") == ["do", "where"])
        #expect(complete("rule big on enter Proposal in Enterprise where amount >= 100k ") == ["and", "do", "or"])
        #expect(complete("rule esc when ") == operands)
        #expect(complete("rule esc when stale do ") == ["notify", "task"])
        #expect(complete("rule esc when stale do notify ") == [])
    }
    @Test func tasksAndNotifications() {
        #expect(complete("done ") == ["task"])
        #expect(complete("done task 17 ") == ["for"])
        #expect(complete("done task 17 for ") == ["deal"])
        #expect(complete("ack ") == ["notifications"])
        #expect(complete("ack notifications ") == clauses)
        #expect(complete("check ") == ["rules"])
    }
    @Test func nothingInsideCommentsOrAfterLiterals() {
        #expect(complete("deals where amount > 1 -- st") == [])
        #expect(complete("deals where amount > 100") == [])
        #expect(complete("move deal \"D-1001\"") == [])
    }
    @Test func cursorInTheMiddle() {
        #expect(complete("fore|cast by team") == ["forecast"])
        #expect(complete("forecast by t|eam") == ["team", "teams"])
        // The cursor is a byte offset; inside a character it moves back to its start.
        let line = "move deal \"D-1\" to 方案"
        let fang = line.utf8.count - "方案".utf8.count
        #expect(Completion.candidates(line: line, cursor: fang + 4, catalog: FakeCatalog()) == ["方案呈现"])
        #expect(Completion.candidates(line: line, cursor: fang + 1, catalog: FakeCatalog()) == stages)
        #expect(Completion.candidates(line: line, cursor: 999, catalog: FakeCatalog()) == ["方案呈现"])
        #expect(Completion.candidates(line: line, cursor: -5, catalog: FakeCatalog()) == Completion.statementKeywords)
    }
}

@Suite struct ReplacementTests {
    func start(_ line: String, _ candidate: String) -> Int {
        Completion.replacementStart(line: line, cursor: line.utf8.count, candidate: candidate)
    }
    @Test func replacesTheTypedWord() {
        #expect(start("deals where stage >= Pro", "Proposal") == 21)
        #expect(start("WH", "where") == 0)
        #expect(start(".re", ".read") == 0)
        #expect(start("sum amount by close_date.mo", "month") == 25)
        #expect(start("win r", "rate") == 4)
        #expect(start("ti", "time in stage") == 0)
        #expect(start("deals where ", "amount") == 12)
        #expect(start("move deal \"D-1\" to 方", "方案呈现") == 19)
    }
    @Test func quotedNames() {
        #expect(start("deals where stage >= \"Closed W", "\"Closed Won\"") == 21)
        #expect(start("move deal \"D-1\" to Clo", "\"Closed Won\"") == 19)
        #expect(start("move deal D", "\"D-1001\"") == 10)
        #expect(start("import deals from \"data/", "\"data/deals.csv\"") == 18)
    }
    @Test func neverStartsInsideAWord() {
        #expect(start("xam", "amount") == 3)
        #expect(start("deals where xam", "amount") == 15)
    }
    @Test func quotingAndBareNames() {
        #expect(Completion.isBareName("Proposal"))
        #expect(Completion.isBareName("方案呈现"))
        #expect(Completion.isBareName("_x1"))
        #expect(!Completion.isBareName("Closed Won"))
        #expect(!Completion.isBareName("1st"))
        #expect(!Completion.isBareName("D-1001"))
        #expect(!Completion.isBareName(""))
        #expect(Completion.quote("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"")
    }
}

/// The statements that take mistakes back and say where a removed stage's deals go.
@Suite struct HistoryStatementCompletionTests {
    @Test func deleteAndRestoreADeal() {
        #expect(complete("delete ") == ["deal"])
        #expect(complete("delete deal ") == ids)
        #expect(complete("delete deal \"D-1001\" ") == ["because"])
        #expect(complete("restore ") == ["deal"])
        #expect(complete("restore deal ") == ids)
    }
    @Test func stageMappings() {
        #expect(complete("move ") == ["deal", "deals"])
        #expect(complete("move deals ") == ["from"])
        #expect(complete("move deals from ") == stages)
        #expect(complete("move deals from Discovery ") == ["to"])
        #expect(complete("move deals from Discovery to ") == stages)
        #expect(complete("move deals from Discovery to Proposal ") == ["in", "on"])
        #expect(complete("rename ") == ["stage"])
        #expect(complete("rename stage ") == stages)
        #expect(complete("rename stage Discovery ") == ["to"])
        #expect(complete("rename stage Discovery to Proposal ") == ["in", "on"])
    }
}

/// Issue 16 item 7: stages in funnel order, values (not quoted field names) inside a string.
@Suite struct CompletionOrderAndValueTests {
    func complete(_ text: String, values: [String: [String]] = [:], stages: [String]? = nil) -> [String] {
        var catalog = FakeCatalog()
        catalog.fieldValues = values
        if let stages { catalog.stageNames = stages }
        return Completion.candidates(line: text, cursor: text.utf8.count, catalog: catalog)
    }

    @Test func stagesComeInFunnelOrderNotCodePointOrder() {
        let order = ["初步接洽", "需求分析", "方案呈现", "商务谈判", "赢单", "输单"]
        // Code-point order would be 初步接洽 商务谈判 方案呈现 赢单 输单 需求分析.
        #expect(order.sorted() != order)
        #expect(complete("move deal \"D-1001\" to ", stages: order) == order)
        #expect(complete("deals where stage >= ", stages: order) == order)
        #expect(complete("move deals from ", stages: order) == order)
        #expect(complete("deals where stage in (", stages: ["Lead", "Demo", "Won"]) == ["Lead", "Demo", "Won"])
        // A stage of two funnels is offered once, where it first comes.
        #expect(complete("move deal \"D-1001\" to ", stages: ["Lead", "Demo", "Won", "Lost"]) == ["Lead", "Demo", "Won", "Lost"])
        // Other lists stay sorted.
        #expect(complete("deals where funnel = ") == ["Enterprise", "SMB", "大客户"])
    }

    @Test func insideAStringAfterAComparisonOnlyStoredValues() {
        // Before, every field name was offered quoted: "amount", "owner", ...
        #expect(complete("deals where owner = \"") == [])
        #expect(complete("deals where owner != \"li") == [])
        let values = ["owner": ["ana.park", "li.wei", "sam.ortiz"]]
        #expect(complete("deals where owner = \"", values: values) == ["\"ana.park\"", "\"li.wei\"", "\"sam.ortiz\""])
        #expect(complete("deals where owner = \"li", values: values) == ["\"li.wei\""])
        #expect(complete("deals where owner = \"x", values: values) == [])
        #expect(complete("set deal \"D-1001\" owner = \"s", values: values) == ["\"sam.ortiz\""])
        // Outside a string the operands stay, after the values.
        #expect(complete("deals where owner = ", values: values) == ["\"ana.park\"", "\"li.wei\"", "\"sam.ortiz\""] + operands)
        // A field with no values listed (too many, or not text) offers nothing inside a string.
        #expect(complete("deals where name = \"", values: values) == [])
        // Stage names are still offered inside a string: they are values of `stage`.
        #expect(complete("deals where stage = \"Clo", values: values) == ["\"Closed Won\"", "\"Closed Lost\""])
    }

    /// The session's catalog lists a text field's stored values, sorted, and none when there
    /// are more than it lists.
    @Test func sessionCatalogListsStoredValues() throws {
        let file = SourceFile(name: "v.funnel", text: """
            field region text
            field seats number
            funnel F { stage A probability 10%; won W; lost L }
            deal "1" in F { owner: "li.wei", team: "East", region: "华东", seats: 3 }
            deal "2" in F { owner: "ana.park", team: "East", region: "华北" }
            deal "3" in F { owner: "li.wei" }
            """)
        let program = try Compiler.compile(file, catalog: Catalog()).get()
        let interpreter = Interpreter(state: FunnelState(), today: 20_500)
        for s in program.statements { _ = try interpreter.execute(s, file: file) }
        let catalog = SessionCatalog(state: interpreter.state)
        #expect(catalog.values(of: "owner") == ["ana.park", "li.wei"])
        #expect(catalog.values(of: "team") == ["East"])
        #expect(catalog.values(of: "region") == ["华东", "华北"])
        #expect(catalog.values(of: "seats") == [])
        #expect(catalog.values(of: "source") == [])
        #expect(catalog.values(of: "nope") == [])
        #expect(Completion.candidates(line: "deals where region = \"华", cursor: "deals where region = \"华".utf8.count, catalog: catalog)
            == ["\"华东\"", "\"华北\""])
    }
}
