/// Declarations: fields, funnels with their stages, and rules.
extension Parser {
    /// field-decl := "field" name type [ "one" "of" list ] [ "required" ]
    /// type := "text" | "number" | "money" | "percent" | "date" | "bool"
    mutating func parseFieldDecl() throws -> FieldDecl {
        try expect("field")
        let name = try parseName("a field name")
        guard let word = current.keyword, let type = FieldType(rawValue: word) else {
            let found = current.keyword
            throw unexpected(expected: "a field type (text, number, money, percent, date, bool)",
                             help: found.flatMap { Suggest.closest(to: $0, in: FieldType.allCases.map(\.rawValue)) }.map { "did you mean '\($0)'?" })
        }
        advance()
        var oneOf: [Expr]?
        if accept("one") {
            try expect("of", "'of' (one of (\"A\", \"B\"))")
            let list = try parsePrimary()
            guard case .list(let items) = list.kind else {
                throw Diagnostic(.syntax, "E104", "expected a list like (\"East\", \"West\")", file: file, range: list.range)
            }
            oneOf = items
        }
        let required = accept("required")
        return FieldDecl(name: name, type: type, oneOf: oneOf, required: required)
    }

    /// The words that start a stage option, for a did-you-mean on a misspelt one.
    static let stageOptionWords = ["probability", "stale", "task", "exit", "category"]

    /// funnel-decl := "funnel" name [ "like" name ] "{" { funnel-item } "}"
    /// funnel-item := stage-decl | "won" name | "lost" name
    mutating func parseFunnelDecl() throws -> FunnelDecl {
        try expect("funnel")
        let name = try parseName("a funnel name")
        var like: Identifier?
        if accept("like") { like = try parseName("the funnel to copy") }
        try expectSymbol("{", "'{' to start the funnel's stages")
        var decl = FunnelDecl(name: name, like: like, stages: [], won: [], lost: [])
        while true {
            skipSeparators()
            if acceptSymbol("}") { break }
            if accept("stage") {
                decl.stages.append(try parseStageDecl())
            } else if accept("won") {
                decl.won.append(try parseName("the won stage's name"))
            } else if accept("lost") {
                decl.lost.append(try parseName("the lost stage's name"))
            } else {
                throw unexpected(expected: "'stage', 'won', 'lost' or '}'")
            }
            if !(current.isNewline || current.isSymbol(";") || current.isSymbol("}")) {
                // `stage A probabilty 10%`: a misspelt option ends the stage early.
                if case .word(let w) = current.kind, let option = Suggest.closest(to: w, in: Self.stageOptionWords) {
                    throw unexpected(expected: "a new line or '}' after the stage", help: "did you mean '\(option)'?")
                }
                throw unexpected(expected: "a new line or '}' after the stage")
            }
        }
        return decl
    }

    /// stage-decl := "stage" name { stage-option } [ "{" { stage-body-item } "}" ]
    /// stage-option := "probability" ( PERCENT | NUMBER ) | "stale" "after" duration
    ///               | "category" ( "pipeline" | "best_case" | "commit" )
    /// stage-body-item := stage-option | task-spec | "exit" "when" expr | "on" ( "enter" | "exit" ) action
    mutating func parseStageDecl() throws -> StageDecl {
        let start = tokens[index - 1].range.start
        let name = try parseName("a stage name")
        var stage = StageDecl(name: name, range: name.range)
        while try parseStageOption(&stage) {}
        if acceptSymbol("{") {
            while true {
                skipSeparators()
                if acceptSymbol("}") { break }
                if try parseStageOption(&stage) {
                } else if check("task") {
                    stage.tasks.append(try parseTaskSpec())
                } else if accept("exit") {
                    try expect("when", "'when' (exit when CONDITION)")
                    skipNewlines()
                    let condition = try parseExpression()
                    // Several `exit when` lines all have to hold.
                    if let existing = stage.exitWhen {
                        stage.exitWhen = Expr(.binary(.and, existing, condition), existing.range.union(condition.range))
                    } else {
                        stage.exitWhen = condition
                    }
                } else if accept("on") {
                    if accept("enter") { stage.onEnter.append(try parseAction()) }
                    else if accept("exit") { stage.onExit.append(try parseAction()) }
                    else { throw unexpected(expected: "'enter' or 'exit'") }
                } else {
                    throw unexpected(expected: "task, exit when, on enter, on exit, probability, stale after, category or '}'")
                }
                if !(current.isNewline || current.isSymbol(";") || current.isSymbol("}")) {
                    throw unexpected(expected: "a new line or '}'")
                }
            }
        }
        stage.range = SourceRange(start, previousEnd)
        return stage
    }

    mutating func parseStageOption(_ stage: inout StageDecl) throws -> Bool {
        if accept("probability") {
            let t = current
            switch t.kind {
            case .percent(let p): advance(); stage.probability = p
            case .number(let n) where n >= 0 && n <= 1: advance(); stage.probability = n
            default:
                throw unexpected(expected: "a probability like 25%", help: "write the probability as a percentage, like 25%")
            }
            if let p = stage.probability, !(0...1).contains(p) {
                throw Diagnostic(.syntax, "E105", "a probability must be between 0% and 100%", file: file, range: t.range)
            }
            return true
        }
        if accept("stale") {
            try expect("after", "'after' (stale after 14 days)")
            stage.staleAfter = try parseDuration()
            return true
        }
        if accept("category") {
            guard let w = current.keyword, let c = StageCategory(rawValue: w) else {
                throw unexpected(expected: "pipeline, best_case or commit")
            }
            advance()
            stage.category = c
            return true
        }
        return false
    }

    /// task-spec := "task" STRING [ "for" name ] [ "due" duration ]
    mutating func parseTaskSpec() throws -> TaskSpec {
        try expect("task")
        let title = try parseString("the task's title in quotes")
        var role: String?
        var due: Duration?
        if accept("for") { role = try parseName("a role").text }
        if accept("due") { due = try parseDuration() }
        return TaskSpec(title: title, role: role, due: due)
    }

    /// action := task-spec | "notify" recipient STRING
    /// recipient := "manager" "of" "owner" | "team" name | name
    mutating func parseAction() throws -> Action {
        if check("task") {
            let t = try parseTaskSpec()
            return .task(title: t.title, role: t.role, due: t.due)
        }
        if accept("notify") {
            var role = try parseName("who to notify").text
            // `manager of owner` and `team 华东` name people the delivery finds (Delivery.swift).
            if role == "manager", accept("of") {
                try expect("owner", "'owner' (notify manager of owner \"...\")")
                role = "manager of owner"
            } else if role == "team", Self.startsTeamName(current, then: token(at: 1)) {
                role = "team " + (try parseName("a team")).text
            }
            let message = try parseString("the message in quotes")
            return .notify(role: role, message: message)
        }
        throw unexpected(expected: "an action: task \"...\" or notify ROLE \"...\"")
    }

    /// After `notify team`: a team's name (a word, or a string before the message's string).
    static func startsTeamName(_ t: Token, then next: Token) -> Bool {
        if case .word = t.kind { return true }
        if case .string = t.kind, case .string = next.kind { return true }
        return false
    }

    /// rule-decl := "rule" name ( ( "on" ( "enter" | "exit" ) name [ "in" name ] )
    ///              | ( "when" expr ) ) [ "where" expr ] "do" action
    mutating func parseRuleDecl() throws -> RuleDecl {
        try expect("rule")
        let name = try parseName("a rule name")
        let trigger: RuleTrigger
        if accept("on") {
            let enter: Bool
            if accept("enter") { enter = true } else if accept("exit") { enter = false } else {
                throw unexpected(expected: "'enter' or 'exit'")
            }
            let stage = try parseName("a stage name")
            var funnel: Identifier?
            if accept("in") { funnel = try parseName("a funnel name") }
            trigger = enter ? .onEnter(stage, funnel: funnel) : .onExit(stage, funnel: funnel)
        } else if accept("when") {
            skipNewlines()
            trigger = .when(try parseExpression())
        } else {
            throw unexpected(expected: "'on enter', 'on exit' or 'when'")
        }
        var filter: Expr?
        if current.isNewline, peekPastNewlines().isKeyword("where") || peekPastNewlines().isKeyword("do") { skipNewlines() }
        if accept("where") { skipNewlines(); filter = try parseExpression() }
        if current.isNewline, peekPastNewlines().isKeyword("do") { skipNewlines() }
        try expect("do", "'do' and an action")
        skipNewlines()
        return RuleDecl(name: name, trigger: trigger, filter: filter, action: try parseAction())
    }
}
