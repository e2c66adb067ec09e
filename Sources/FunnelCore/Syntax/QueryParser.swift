/// Queries: a verb, then clauses in any order, each at most once.
extension Parser {
    static let clauseKeywords: Set<String> = ["where", "by", "order", "limit", "during", "as", "show", "to"]
    /// Words that, after `show` at the start of a line, begin a `show` statement rather
    /// than continue the previous query's `show` clause.
    static let showStatementObjects = Set(StatementCatalog.showObjects)

    /// query := query-verb { query-clause }
    /// query-verb := "deals" [ "changed" [ "since" expr ] ] | "leads" | "tasks" | "notifications"
    ///             | "count" [ "deals" | "leads" ] | ( "sum" | "avg" | "min" | "max" ) expr
    ///             | "pipeline" | "forecast" | "conversion" [ "of" "leads" ] | "win" "rate"
    ///             | "time" "in" "stage" | "cycle" | "velocity" | "stale" | "calibration"
    ///             | "bottlenecks" | "history" "of" "deal" deal-ref [ "fields" name { "," name } ]
    ///             | "changes" [ "since" expr ] | "attainment" [ "rollup" ]
    ///             | "forecast" ( "rollup" | "accuracy" | "history" "for" name )
    mutating func parseQuery() throws -> Query {
        let start = current.range.start
        guard let first = current.keyword else { throw unexpected(expected: "a query") }
        var phrases = QuerySpec.all.flatMap { spec in spec.phrases.map { (spec, $0) } }.filter { $0.1[0] == first }
        guard !phrases.isEmpty else {
            throw Diagnostic(.syntax, "E103", "unknown query '\(first)'", file: file, range: current.range)
        }
        advance()
        // Longest match: take the next word while some phrase goes on with it; where none does,
        // a phrase must end here, or the next word it needs is missing.
        var length = 1
        while true {
            let longer = phrases.filter { $0.1.count > length }
            if longer.isEmpty { break }
            if let next = current.keyword, longer.contains(where: { $0.1[length] == next }) {
                phrases = longer.filter { $0.1[length] == next }
                advance()
                length += 1
                continue
            }
            if phrases.contains(where: { $0.1.count == length }) { break }
            let rest = longer[0].1[length...]
            try expect(rest[rest.startIndex], rest.count > 1 ? "'" + rest.joined(separator: " ") + "'" : nil)
        }
        guard let spec = phrases.first(where: { $0.1.count == length })?.0 else {
            throw Diagnostic(.syntax, "E103", "unknown query '\(first)'", file: file, range: tokens[index - 1].range)
        }
        var argument: Expr?
        switch spec.argument {
        case .none: break
        case .expression: argument = try parseExpression()
        case .dealID: argument = try parseRecordID("a deal id")
        case .since: if accept("since") { argument = try parseExpression() }
        case .holder:
            try expect("for", "'for' and a team or a person (forecast history for 华东 during 2026-Q2)")
            let name = try parseName("a team or a person")
            argument = Expr(.string(name.text), name.range)
        }
        var q = Query(verb: QueryVerb(spec.kind, argument: argument), range: SourceRange(start, start))
        if spec.argument == .dealID, accept("fields") {
            var names = [try parseName("a field name")]
            while acceptSymbol(",") { names.append(try parseName("a field name")) }
            q.historyFields = names
        }
        try parseClauses(&q)
        q.range = SourceRange(start, previousEnd)
        return q
    }

    /// order-term := expr [ "asc" | "desc" ]
    /// query-clause := "where" expr | "by" expr-list | "order" "by" order-term { "," order-term }
    ///               | "limit" NUMBER | "during" window | "as" "of" expr | "show" expr-list
    ///               | "to" STRING
    /// A clause may start on the next line (LANGUAGE.md, "Lexical rules").
    mutating func parseClauses(_ q: inout Query) throws {
        while true {
            if current.isNewline {
                let next = peekPastNewlines()
                guard let k = next.keyword, Self.clauseKeywords.contains(k) else { return }
                if k == "show", let after = nextWordAfterNewlines(1), Self.showStatementObjects.contains(after) { return }
                if k == "as", nextWordAfterNewlines(1) != "of" { return }
                skipNewlines()
            }
            guard let k = current.keyword, Self.clauseKeywords.contains(k) else { return }
            let clauseToken = current
            func once(_ given: Bool) throws {
                if given {
                    throw Diagnostic(.syntax, "E107", "'\(k)' is given twice", file: file, range: clauseToken.range,
                                     help: "combine the conditions into one clause")
                }
            }
            advance()
            switch k {
            case "where":
                try once(q.filter != nil)
                skipNewlines()
                q.filter = try parseExpression()
            case "by":
                try once(!q.groups.isEmpty)
                q.groups = try parseExpressionList()
            case "order":
                try once(!q.order.isEmpty)
                try expect("by", "'by' (order by FIELD)")
                repeat {
                    skipNewlines()
                    let e = try parseExpression()
                    var desc = false
                    if accept("desc") { desc = true } else { _ = accept("asc") }
                    q.order.append(OrderTerm(expr: e, descending: desc))
                } while acceptSymbol(",")
            case "limit":
                try once(q.limit != nil)
                skipNewlines()
                guard case .number(let n) = current.kind, n == n.rounded(), n >= 0, n < 1e12 else {
                    throw unexpected(expected: "a whole number after limit")
                }
                advance()
                q.limit = Int(n)
            case "during":
                try once(q.during != nil)
                skipNewlines()
                q.during = try parseWindow()
            case "as":
                try once(q.asOf != nil)
                guard accept("of") else {
                    throw unexpected(expected: "'of' and a date (as of 2026-03-31)",
                                     help: "as only starts `as of DATE`; columns are named after their expressions")
                }
                skipNewlines()
                q.asOf = try parseExpression()
            case "show":
                try once(q.columns != nil)
                q.columns = try parseExpressionList()
            case "to":
                try once(q.output != nil)
                skipNewlines()
                let t = current
                guard case .string(let s) = t.kind else { throw unexpected(expected: "a file name in quotes") }
                advance()
                q.output = Expr(.string(s), t.range)
            default:
                return
            }
        }
    }

    func nextWordAfterNewlines(_ offset: Int) -> String? {
        var i = index
        while tokens[i].isNewline { i += 1 }
        return tokens[i + offset].keyword
    }

    /// expr-list := expr { "," expr }
    mutating func parseExpressionList() throws -> [Expr] {
        var out: [Expr] = []
        repeat {
            skipNewlines()
            out.append(try parseExpression())
        } while acceptSymbol(",")
        return out
    }

    /// window := ( "this" | "last" | "next" ) ( "week" | "month" | "quarter" | "year" )
    ///         | "last" NUMBER ( "days" | "weeks" | "months" )
    ///         | period [ "to" period ]
    /// period := DATE | MONTH | QUARTER | NUMBER (a year) | "today"
    mutating func parseWindow() throws -> Window {
        let start = current.range.start
        if let w = current.keyword, ["this", "last", "next"].contains(w) {
            advance()
            if w == "last", case .number = current.kind {
                let d = try parseDuration()
                return Window(kind: .lastN(d), range: SourceRange(start, previousEnd))
            }
            guard let u = current.keyword.flatMap(Self.durationUnit), u != .days else {
                throw unexpected(expected: "week, month, quarter or year")
            }
            advance()
            let offset = w == "this" ? 0 : w == "last" ? -1 : 1
            return Window(kind: .relative(offset: offset, unit: u), range: SourceRange(start, previousEnd))
        }
        let from = try parsePeriod()
        // `to` followed by a file name is the output clause, not the window's end.
        if check("to"), isPeriodStart(token(at: 1)) {
            advance()
            let to = try parsePeriod()
            return Window(kind: .between(from, to), range: SourceRange(start, previousEnd))
        }
        return Window(kind: .literal(from), range: SourceRange(start, previousEnd))
    }

    func isPeriodStart(_ t: Token) -> Bool {
        switch t.kind {
        case .date, .month, .quarter, .number: return true
        case .word(let w): return w.lowercased() == "today"
        default: return false
        }
    }

    mutating func parsePeriod() throws -> Expr {
        let t = current
        guard isPeriodStart(t) else {
            throw unexpected(expected: "a period: 2026-Q1, 2026-03, 2026, a date, or this/last/next quarter")
        }
        return try parsePrimary()
    }
}
