/// Statement dispatch and the data, automation and session statements.
extension Parser {
    /// Every word that can start a statement, for "did you mean" on a misspelt verb.
    /// Every word a statement can start with, for "did you mean".
    static var statementKeywords: [String] { StatementCatalog.leadingWords }

    /// statement := field-decl | funnel-decl | rule-decl | lead-gate | deal-statement | set-statement
    ///            | move-statement | win-statement | lose-statement | reopen-statement | lead-statement
    ///            | qualify-statement | disqualify-statement | convert-statement | import-statement
    ///            | export-statement | why-statement | done-statement | ack-statement
    ///            | "check" [ "rules" ] | chart-statement | report-statement | show-statement
    ///            | delete-statement | restore-statement | rename-statement | move-deals-statement | "undo"
    ///            | people-statement | query | DOT-COMMAND
    mutating func parseStatement() throws -> Statement {
        let start = current.range.start
        if case .dotCommand(let text) = current.kind {
            advance()
            return Statement(.dotCommand(text), SourceRange(start, previousEnd))
        }
        guard let word = current.keyword else {
            throw unexpected(expected: "a statement", help: "statements start with a word such as deal, move, forecast or funnel")
        }
        let kind: StatementKind
        switch word {
        case "field": kind = .field(try parseFieldDecl())
        case "funnel": kind = .funnel(try parseFunnelDecl())
        case "rule": kind = .rule(try parseRuleDecl())
        case "deal": kind = try parseDealStatement()
        case "set": kind = try parseSetDeal()
        case "move":
            if token(at: 1).isKeyword("deals") { kind = try parseMoveDeals() } else { kind = try parseMove() }
        case "delete": kind = try parseDelete()
        case "restore": kind = try parseRestore()
        case "rename": kind = try parseRenameStage()
        case "undo":
            advance()
            kind = .undo
        case "win":
            if token(at: 1).isKeyword("rate") { kind = .query(try parseQuery()) } else { kind = try parseWin() }
        case "lose": kind = try parseLose()
        case "currency": kind = try parseCurrency()
        case "reopen": kind = try parseReopen()
        case "lead": kind = try parseLead()
        case "leads":
            if token(at: 1).isKeyword("qualify") { kind = try parseLeadGate() } else { kind = .query(try parseQuery()) }
        case "qualify": kind = try parseQualify()
        case "disqualify": kind = try parseDisqualify()
        case "convert": kind = try parseConvert()
        case "import": kind = try parseImport()
        case "export": kind = try parseExport()
        case "why": kind = try parseWhy()
        case "done": kind = try parseDoneTask()
        case "ack": kind = try parseAck()
        case "check":
            advance()
            kind = accept("rules") ? .checkRules : .checkDesign
        case "chart": kind = try parseChart()
        case "report": kind = try parseReport()
        case "show": kind = try parseShow()
        case "person", "quota", "submit", "deliver": kind = .people(try parsePeopleStatement())
        case _ where QuerySpec.leadingWords.contains(word):
            kind = .query(try parseQuery())
        default:
            let suggestion = Suggest.closest(to: word, in: Self.statementKeywords)
            throw Diagnostic(.syntax, "E103", "unknown statement '\(current.keyword.map { _ in file.text(current.range) } ?? word)'",
                             file: file, range: current.range,
                             help: suggestion.map { "did you mean '\($0)'?" } ?? "type .help to see the statements")
        }
        return Statement(kind, SourceRange(start, previousEnd))
    }

    /// deal-statement := "deal" deal-ref [ "in" name ] [ field-block ] [ on-clause ]
    mutating func parseDealStatement() throws -> StatementKind {
        try expect("deal")
        let id = try parseRecordID("a deal id")
        var funnel: Identifier?
        if accept("in") { funnel = try parseName("a funnel name") }
        let fields = atSymbol("{") ? try parseFieldBlock() : []
        return .deal(id: id, funnel: funnel, fields: fields, on: try parseOnDate())
    }

    /// field-block := "{" [ field-value { ( "," | NEWLINE ) field-value } ] "}"
    /// field-value := name ":" expr
    mutating func parseFieldBlock() throws -> [Assignment] {
        try expectSymbol("{")
        var out: [Assignment] = []
        while true {
            while atNewline || atSymbol(",") { step() }
            if acceptSymbol("}") { break }
            let name = try parseName("a field name or '}'")
            guard acceptSymbol(":") else {
                throw unexpected(expected: "':' after the field name",
                                 help: current.isSymbol("=") ? "inside { } fields are written name: value" : nil)
            }
            skipNewlines()
            out.append(Assignment(field: name, value: try parseExpression()))
            if !(atNewline || atSymbol(",") || atSymbol("}")) {
                throw unexpected(expected: "',' or '}'")
            }
        }
        return out
    }

    /// set-statement := "set" "deal" deal-ref assignment { "," assignment } [ on-clause ]
    /// assignment := name "=" expr
    mutating func parseSetDeal() throws -> StatementKind {
        try expect("set")
        try expect("deal", "'deal' (set deal \"D-1\" field = value)")
        let id = try parseRecordID("a deal id")
        var assignments: [Assignment] = []
        repeat {
            skipNewlines()
            let name = try parseName("a field name")
            try expectSymbol("=", "'=' after the field name")
            skipNewlines()
            assignments.append(Assignment(field: name, value: try parseExpression()))
        } while acceptSymbol(",")
        return .setDeal(id: id, assignments: assignments, on: try parseOnDate())
    }

    /// move-statement := "move" "deal" deal-ref "to" name [ "force" "because" STRING ] [ on-clause ]
    mutating func parseMove() throws -> StatementKind {
        try expect("move")
        try expect("deal", "'deal' (move deal \"D-1\" to STAGE)")
        let id = try parseRecordID("a deal id")
        if current.isNewline, peekPastNewlines().isKeyword("to") { skipNewlines() }
        try expect("to", "'to' and a stage")
        skipNewlines()
        let stage = try parseName("a stage name")
        var force: String?
        if accept("force") {
            try expect("because", "'because' and a reason (force because \"...\")")
            force = try parseReason("force because", example: "the customer signed early")
        }
        return .move(id: id, to: stage, force: force, on: try parseOnDate())
    }

    /// win-statement := "win" "deal" deal-ref [ "as" name ] [ on-clause ]
    mutating func parseWin() throws -> StatementKind {
        try expect("win")
        try expect("deal", "'deal' or 'rate'")
        let id = try parseRecordID("a deal id")
        if accept("as") {
            let stage = try parseName("a won stage's name")
            return .closeAs(id: id, won: true, stage: stage, reason: nil, on: try parseOnDate())
        }
        return .win(id: id, on: try parseOnDate())
    }

    /// currency-decl := "currency" name [ "rates" name "." name [ "for" name "from" name [ "until" name ] ] ]
    mutating func parseCurrency() throws -> StatementKind {
        try expect("currency")
        let code = try parseName("a currency code, like USD")
        guard accept("rates") else { return .currency(code: code, table: nil, column: nil) }
        let table = try parseName("the table of rates")
        try expectSymbol(".", "'.' and the column of rates (rates TABLE.COLUMN)")
        let column = try parseName("the column of rates")
        guard accept("for") else { return .currency(code: code, table: table, column: column) }
        let codeColumn = try parseName("the column of currency codes (for IsoCode)")
        try expect("from", "'from' and the column of the day each rate starts (from StartDate)")
        let start = try parseName("the column of the day each rate starts")
        let end = accept("until") ? try parseName("the column of the day each rate ends (until NextStartDate)") : nil
        return .currency(code: code, table: table, column: column, dated: RateDates(code: codeColumn, start: start, end: end))
    }

    /// lose-statement := "lose" "deal" deal-ref [ "as" name ] [ "because" STRING ] [ on-clause ]
    mutating func parseLose() throws -> StatementKind {
        try expect("lose")
        try expect("deal")
        let id = try parseRecordID("a deal id")
        var stage: Identifier?
        if accept("as") { stage = try parseName("a lost stage's name") }
        var reason: String?
        if accept("because") { reason = try parseString("a reason in quotes") }
        if let stage { return .closeAs(id: id, won: false, stage: stage, reason: reason, on: try parseOnDate()) }
        return .lose(id: id, reason: reason, on: try parseOnDate())
    }

    /// reopen-statement := "reopen" "deal" deal-ref [ "to" name ] [ on-clause ]
    mutating func parseReopen() throws -> StatementKind {
        try expect("reopen")
        try expect("deal")
        let id = try parseRecordID("a deal id")
        var stage: Identifier?
        if accept("to") { stage = try parseName("a stage name") }
        return .reopen(id: id, to: stage, on: try parseOnDate())
    }

    /// lead-statement := "lead" deal-ref [ field-block ] [ on-clause ]
    mutating func parseLead() throws -> StatementKind {
        try expect("lead")
        let id = try parseRecordID("a lead id")
        let fields = atSymbol("{") ? try parseFieldBlock() : []
        return .lead(id: id, fields: fields, on: try parseOnDate())
    }

    /// lead-gate := "leads" "qualify" "when" expr
    mutating func parseLeadGate() throws -> StatementKind {
        try expect("leads")
        try expect("qualify")
        try expect("when")
        skipNewlines()
        return .leadGate(try parseExpression())
    }

    /// qualify-statement := "qualify" "lead" deal-ref [ on-clause ]
    mutating func parseQualify() throws -> StatementKind {
        try expect("qualify")
        try expect("lead")
        let id = try parseRecordID("a lead id")
        return .qualify(id: id, on: try parseOnDate())
    }

    /// disqualify-statement := "disqualify" "lead" deal-ref "because" STRING [ on-clause ]
    mutating func parseDisqualify() throws -> StatementKind {
        try expect("disqualify")
        try expect("lead")
        let id = try parseRecordID("a lead id")
        try expect("because", "'because' and a reason")
        let reason = try parseString("a reason in quotes")
        return .disqualify(id: id, reason: reason, on: try parseOnDate())
    }

    /// convert-statement := "convert" "lead" deal-ref "to" "deal" deal-ref [ "in" name ] [ on-clause ]
    mutating func parseConvert() throws -> StatementKind {
        try expect("convert")
        try expect("lead")
        let lead = try parseRecordID("a lead id")
        try expect("to")
        try expect("deal")
        let deal = try parseRecordID("a deal id")
        var funnel: Identifier?
        if accept("in") { funnel = try parseName("a funnel name") }
        return .convert(lead: lead, deal: deal, funnel: funnel, on: try parseOnDate())
    }

    /// why-statement := "why" "deal" deal-ref "to" name
    mutating func parseWhy() throws -> StatementKind {
        try expect("why")
        try expect("deal")
        let id = try parseRecordID("a deal id")
        try expect("to", "'to' and a stage")
        return .why(id: id, to: try parseName("a stage name"))
    }

    /// done-statement := "done" "task" ( NUMBER | STRING "for" "deal" deal-ref ) [ on-clause ]
    mutating func parseDoneTask() throws -> StatementKind {
        try expect("done")
        try expect("task")
        if case .number = current.kind {
            let id = try parseRecordNumber("a task number")
            return .doneTask(id: id, title: nil, deal: nil, on: try parseOnDate())
        }
        let title = try parseString("a task number or title")
        try expect("for", "'for deal' and the deal id")
        try expect("deal")
        let deal = try parseRecordID("a deal id")
        return .doneTask(id: nil, title: title, deal: deal, on: try parseOnDate())
    }

    /// A task or notification number: a whole number from 1 (a typo like 1e30 must not
    /// trap when it becomes an Int).
    mutating func parseRecordNumber(_ what: String) throws -> Int {
        let t = current
        guard case .number(let n) = t.kind else { throw unexpected(expected: what) }
        guard n == n.rounded(), n >= 1, n < 1e12 else {
            throw Diagnostic(.syntax, "E109", "\(what) is a whole number from 1, like 17", file: file, range: t.range)
        }
        advance()
        return Int(n)
    }

    /// ack-statement := "ack" ( "notification" NUMBER | "notifications" [ "where" expr ] ) [ on-clause ]
    mutating func parseAck() throws -> StatementKind {
        try expect("ack")
        if accept("notification") {
            let id = try parseRecordNumber("a notification number")
            return .ack(id: id, filter: nil, on: try parseOnDate())
        }
        try expect("notifications", "'notification N' or 'notifications where ...'")
        var filter: Expr?
        if accept("where") { skipNewlines(); filter = try parseExpression() }
        return .ack(id: nil, filter: filter, on: try parseOnDate())
    }

    /// chart-statement := "chart" ( "funnel" funnel-view | query )
    /// `chart changes since D` is a chart of a query like any other (its `by` groups, its
    /// `show` picks the figure); the kind of chart follows from the query.
    mutating func parseChart() throws -> StatementKind {
        try expect("chart")
        if accept("funnel") { return .chartFunnel(try parseFunnelView()) }
        return .chart(try parseQuery())
    }

    /// report-statement := "report" funnel-view
    mutating func parseReport() throws -> StatementKind {
        try expect("report")
        return .report(try parseFunnelView())
    }

    /// funnel-view := [ name ] { query-clause }
    /// The name is any word but a clause's (`chart funnel by amount` names no funnel).
    mutating func parseFunnelView() throws -> FunnelView {
        let start = current.range.start
        var funnel: Identifier?
        switch current.kind {
        case .string: funnel = try parseName("a funnel name")
        case .word(let w) where !Self.clauseKeywords.contains(w.lowercased()): funnel = try parseName("a funnel name")
        default: break
        }
        var q = Query(verb: .conversion, range: SourceRange(start, start))
        try parseClauses(&q)
        q.range = SourceRange(start, previousEnd)
        return FunnelView(funnel: funnel, clauses: q)
    }

    /// show-statement := "show" ( "funnel" name | "funnels" | "fields" | "rules" | "tables" )
    mutating func parseShow() throws -> StatementKind {
        try expect("show")
        if accept("funnel") { return .showFunnel(try parseName("a funnel name")) }
        if accept("funnels") { return .showFunnels }
        if accept("fields") { return .showFields }
        if accept("rules") { return .showRules }
        if accept("tables") { return .showTables }
        throw unexpected(expected: "funnel NAME, funnels, fields, rules or tables")
    }

    // MARK: - Taking mistakes back, redeclaring safely

    /// A reason after `because`: a string with something in it besides spaces, since a
    /// forced move or a deletion without its why reads later as an ordinary change.
    /// reason := STRING
    mutating func parseReason(_ context: String, example: String) throws -> String {
        let t = current
        let reason = try parseString("a reason in quotes")
        if reason.allSatisfy({ $0.isWhitespace }) {
            throw Diagnostic(.syntax, "E430", "\(context) needs a reason, and \(reason.isEmpty ? "this one is empty" : "this one is only spaces")",
                             file: file, range: t.range, help: "say why, for example: \(context) \"\(example)\"")
        }
        return reason
    }

    /// delete-statement := "delete" "deal" deal-ref "because" reason
    mutating func parseDelete() throws -> StatementKind {
        try expect("delete")
        try expect("deal", "'deal' (delete deal \"D-1\" because \"...\")")
        let id = try parseRecordID("a deal id")
        try expect("because", "'because' and a reason (delete deal ... because \"entered twice\")")
        return .deleteDeal(id: id, reason: try parseReason("delete deal ... because", example: "entered twice"))
    }

    /// restore-statement := "restore" "deal" deal-ref
    mutating func parseRestore() throws -> StatementKind {
        try expect("restore")
        try expect("deal", "'deal' (restore deal \"D-1\")")
        return .restoreDeal(id: try parseRecordID("a deal id"))
    }

    /// rename-statement := "rename" "stage" name "to" name [ "in" name ] [ on-clause ]
    mutating func parseRenameStage() throws -> StatementKind {
        try expect("rename")
        try expect("stage", "'stage' (rename stage OLD to NEW)")
        let from = try parseName("the stage's old name")
        try expect("to", "'to' and the new name")
        let to = try parseName("the stage's new name")
        var funnel: Identifier?
        if accept("in") { funnel = try parseName("a funnel name") }
        return .stageMap(StageMapping(kind: .rename, from: from, to: to, funnel: funnel), on: try parseOnDate())
    }

    /// move-deals-statement := "move" "deals" "from" name "to" name [ "in" name ] [ on-clause ]
    mutating func parseMoveDeals() throws -> StatementKind {
        try expect("move")
        try expect("deals")
        try expect("from", "'from' and a stage (move deals from OLD to NEW)")
        let from = try parseName("the stage the deals are in")
        try expect("to", "'to' and the stage they go to")
        let to = try parseName("a stage name")
        var funnel: Identifier?
        if accept("in") { funnel = try parseName("a funnel name") }
        return .stageMap(StageMapping(kind: .move, from: from, to: to, funnel: funnel), on: try parseOnDate())
    }
}
