/// The people side: people and their managers, quotas, submitted forecasts, and the
/// delivery of notifications.
extension Parser {
    /// people-statement := person-statement | quota-statement | submit-statement | deliver-statement
    mutating func parsePeopleStatement() throws -> PeopleStatement {
        switch current.keyword {
        case "person": return try parsePerson()
        case "quota": return try parseQuota()
        case "submit": return try parseSubmit()
        default: return try parseDeliver()
        }
    }

    /// person-statement := "person" deal-ref field-block [ on-clause ]
    mutating func parsePerson() throws -> PeopleStatement {
        try expect("person")
        let id = try parseRecordID("a person's id, like \"li.wei\"")
        guard current.isSymbol("{") else {
            throw unexpected(expected: "'{' and the person's fields", help: "person \"li.wei\" { name: \"李伟\", team: \"华东\", manager: \"zhang.min\" }")
        }
        let fields = try parseFieldBlock()
        return .person(id: id, fields: fields, on: try parseOnDate())
    }

    /// holder := [ "team" | "person" ] name
    mutating func parseHolder() throws -> HolderRef {
        var kind: String?
        if let w = current.keyword, w == "team" || w == "person", !token(at: 1).isKeyword("during") {
            kind = w
            advance()
        }
        return HolderRef(kind: kind, name: try parseName("a team or a person"))
    }

    /// quota-statement := "quota" holder "during" window "=" expr [ on-clause ]
    mutating func parseQuota() throws -> PeopleStatement {
        try expect("quota")
        let holder = try parseHolder()
        try expect("during", "'during' and the quota's period (quota 华东 during 2026-Q2 = 1.2M)")
        let period = try parseWindow()
        try expectSymbol("=", "'=' and the quota's amount")
        skipNewlines()
        let amount = try parseExpression()
        return .quota(holder: holder, period: period, amount: amount, on: try parseOnDate())
    }

    /// submit-statement := "submit" "forecast" "for" holder "during" window "commit" expr
    ///                     "best_case" expr [ "because" STRING ] [ "by" name ] [ on-clause ]
    mutating func parseSubmit() throws -> PeopleStatement {
        try expect("submit")
        try expect("forecast", "'forecast' (submit forecast for TEAM during PERIOD commit N best_case N)")
        try expect("for", "'for' and a team or a person")
        let holder = try parseHolder()
        try expect("during", "'during' and the forecast's period")
        let period = try parseWindow()
        try expect("commit", "'commit' and the amount the manager commits to")
        let commit = try parseExpression()
        try expect("best_case", "'best_case' and the best-case amount")
        let best = try parseExpression()
        var reason: String?
        if accept("because") { reason = try parseString("a reason in quotes") }
        var by: Identifier?
        if accept("by") { by = try parseName("the person who submits it") }
        return .submit(holder: holder, period: period, commit: commit, bestCase: best, reason: reason, by: by, on: try parseOnDate())
    }

    /// deliver-statement := "deliver" "notifications" [ "via" "command" STRING [ "timeout" NUMBER "seconds" ] ]
    mutating func parseDeliver() throws -> PeopleStatement {
        try expect("deliver")
        try expect("notifications", "'notifications' (deliver notifications)")
        guard accept("via") else { return .deliver }
        try expect("command", "'command' and the program in quotes (deliver notifications via command \"...\")")
        let t = current
        guard case .string(let s) = t.kind else { throw unexpected(expected: "the command in quotes") }
        advance()
        var timeout: Int?
        if accept("timeout") {
            let n = current
            guard case .number(let v) = n.kind else { throw unexpected(expected: "a number of seconds (timeout 30 seconds)") }
            advance()
            guard v == v.rounded(), v >= 1, v <= 86_400 else {
                throw Diagnostic(.syntax, "E520", "a delivery timeout is a whole number of seconds from 1 to 86,400", file: file, range: n.range)
            }
            if !accept("seconds") { try expect("second", "'seconds'") }
            timeout = Int(v)
        }
        return .deliveryCommand(command: Expr(.string(s), t.range), timeout: timeout)
    }
}
