/// The result of parsing a whole file: every statement that parsed, every error found, and
/// whether the input simply stopped too early (the REPL's cue for a continuation prompt).
public struct ParseResult: Sendable {
    public var statements: [Statement]
    public var diagnostics: [Diagnostic]
    /// True when the only problem is that input ended while a statement needed more.
    public var isIncomplete: Bool
    /// Errors found after the first `Parser.listedErrors`, counted but not kept.
    public var unlistedErrors = 0
    /// What was read but deserves a word (full-width punctuation read as ASCII); never fails.
    public var warnings: [Diagnostic] = []

    /// Errors and warnings together, as a reader meets them in the file.
    public var errorsAndWarnings: [Diagnostic] { Self.inFileOrder(diagnostics + warnings) }

    public static func inFileOrder(_ list: [Diagnostic]) -> [Diagnostic] {
        list.enumerated().sorted { a, b in
            let x = a.element.range?.start ?? 0, y = b.element.range?.start ?? 0
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }
}

/// Recursive-descent parser over the lexer's tokens. Each parse function's doc comment
/// holds its grammar rule (the same rules as grammar/funnel.ebnf). On an error the parser
/// skips to the end of the statement (panic mode) and goes on, so one run reports every
/// syntax error of a file.
public struct Parser {
    let file: SourceFile
    let tokens: TokenStream
    var index = 0
    var diagnostics: [Diagnostic] = []
    var unlistedErrors = 0
    /// Errors kept for the caller; the rest are only counted, so a script of 200,000 bad lines
    /// neither prints 800,000 lines nor keeps 200,000 diagnostics.
    public static let listedErrors = 20

    public init(file: SourceFile) {
        self.file = file
        self.tokens = TokenStream(file: file)
    }

    public static func parse(_ file: SourceFile) -> ParseResult {
        var parser = Parser(file: file)
        return parser.parseProgram()
    }

    /// program := { separator } [ statement { separator { separator } statement } ] { separator }
    /// separator := NEWLINE | ";"
    mutating func parseProgram() -> ParseResult {
        var statements: [Statement] = []
        var incomplete = false
        var allIncomplete = true
        while true {
            // Separators between statements are dropped as they are passed.
            while atNewline || atSymbol(";") {
                advance()
                tokens.keptFrom = index
            }
            if current.isEOF { break }
            let start = index
            tokens.keptFrom = start
            do {
                let s = try parseStatement()
                try expectStatementEnd()
                statements.append(s)
            } catch let d as Diagnostic {
                if d.isIncomplete { incomplete = true } else { allIncomplete = false }
                if diagnostics.count < Self.listedErrors { diagnostics.append(d) } else { unlistedErrors += 1 }
                synchronize(from: start)
            } catch {
                synchronize(from: start)
            }
        }
        // Only "ran out of input" problems make an entry incomplete; a real error, or a
        // lexer error such as an unterminated string, is shown at once.
        let lexed = tokens.lexerDiagnostics
        let onlyIncomplete = incomplete && lexed.isEmpty && allIncomplete
        // Lexer errors come first; report everything in file order. Each list holds the first
        // errors of its kind, so the first `listedErrors` of both are among them.
        let ordered = (lexed + diagnostics).enumerated().sorted { a, b in
            let x = a.element.range?.start ?? 0, y = b.element.range?.start ?? 0
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        let listed = Array(ordered.prefix(Self.listedErrors))
        let unlisted = ordered.count - listed.count + unlistedErrors + tokens.unlistedLexerErrors
        return ParseResult(statements: statements, diagnostics: listed, isIncomplete: onlyIncomplete, unlistedErrors: unlisted,
                           warnings: tokens.lexerWarnings)
    }

    // MARK: - Token cursor

    var current: Token { tokens[index] }
    /// `current.isNewline` and `current.isSymbol(s)` without copying the token.
    var atNewline: Bool { tokens.isNewline(index) }
    func atSymbol(_ s: String) -> Bool { tokens.isSymbol(index, s) }
    func token(at offset: Int) -> Token { tokens[index + offset] }
    var previousEnd: Int { index > 0 ? tokens[index - 1].range.end : 0 }

    @discardableResult
    mutating func advance() -> Token {
        let t = current
        step()
        return t
    }

    /// `advance()` without the copy of the token it passes (see `TokenStream.isNewline`).
    mutating func step() {
        if !tokens.isLast(index) {
            index += 1
            if index & 4095 == 0 { tokens.compact(index: index) }
        }
    }

    mutating func skipNewlines() { while tokens.isNewline(index) { step() } }
    mutating func skipSeparators() { while tokens.isNewline(index) || tokens.isSymbol(index, ";") { step() } }

    /// The first token after any newlines, without consuming them.
    func peekPastNewlines() -> Token {
        var i = index
        while tokens[i].isNewline { i += 1 }
        return tokens[i]
    }

    func check(_ keyword: String) -> Bool { tokens.isKeyword(index, keyword) }

    mutating func accept(_ keyword: String) -> Bool {
        if tokens.isKeyword(index, keyword) { step(); return true }
        return false
    }

    mutating func acceptSymbol(_ s: String) -> Bool {
        if tokens.isSymbol(index, s) { step(); return true }
        return false
    }

    mutating func expect(_ keyword: String, _ what: String? = nil) throws {
        guard accept(keyword) else { throw unexpected(expected: what ?? "'\(keyword)'") }
    }

    mutating func expectSymbol(_ s: String, _ what: String? = nil) throws {
        guard acceptSymbol(s) else { throw unexpected(expected: what ?? "'\(s)'") }
    }

    /// An error at the current token. Running into the end of input is marked incomplete.
    func unexpected(expected: String, help: String? = nil) -> Diagnostic {
        let t = current
        if t.isEOF || (t.isNewline && peekPastNewlines().isEOF && openBracketsAtEnd) {
            // As Lua's check_match does: the bracket left open is what to look for.
            let notes = unclosedBracket.map { b -> [String] in
                guard case .symbol(let open) = b.kind else { return [] }
                return ["to close the '\(open)' at line \(file.line(of: b.range.start))"]
            } ?? []
            return Diagnostic(.syntax, "E100", "unexpected end of input: expected \(expected)", file: file,
                              range: t.range, notes: notes, help: help, isIncomplete: true)
        }
        if let separated = thousandsSeparated { return separated }
        return Diagnostic(.syntax, "E101", "expected \(expected), found \(describe(t))", file: file,
                          range: t.range, help: help)
    }

    /// `120,000` where one number was meant: the lexer sees 120, a comma and 000, and the
    /// parser stumbles on the comma or on `000`. Said as what it is, with the number to write.
    var thousandsSeparated: Diagnostic? {
        func numberText(_ t: Token) -> String? {
            guard case .number = t.kind else { return nil }
            let text = file.text(t.range)
            return text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) ? text : nil
        }
        // The run of number , number , number around the current token, written without spaces.
        var first = index, last = index
        if current.isSymbol(",") { first = index - 1; last = index + 1 }
        guard first >= tokens.keptFrom, first >= 0 else { return nil }
        while first - 2 >= tokens.keptFrom, tokens[first - 2].range.end == tokens[first - 1].range.start,
              tokens[first - 1].isSymbol(","), numberText(tokens[first - 2]) != nil,
              tokens[first - 1].range.end == tokens[first].range.start { first -= 2 }
        while tokens[last + 1].isSymbol(","), numberText(tokens[last + 2])?.count == 3,
              tokens[last].range.end == tokens[last + 1].range.start,
              tokens[last + 1].range.end == tokens[last + 2].range.start { last += 2 }
        guard last > first, let lead = numberText(tokens[first]), (1...3).contains(lead.count),
              tokens[first + 1].isSymbol(","), tokens[first].range.end == tokens[first + 1].range.start,
              tokens[first + 1].range.end == tokens[first + 2].range.start else { return nil }
        var groups: [String] = []
        var i = first
        while i <= last {
            guard let g = numberText(tokens[i]), i == first || g.count == 3 else { return nil }
            groups.append(g); i += 2
        }
        let plain = groups.joined()
        let underscored = groups.joined(separator: "_")
        let written = groups.joined(separator: ",")
        let range = SourceRange(tokens[first].range.start, tokens[last].range.end)
        var short = ""
        if let v = Double(plain), v >= 1000, v < 1e15 {
            if v >= 1_000_000, v.truncatingRemainder(dividingBy: 100_000) == 0 {
                let m = v / 1_000_000
                short = m == m.rounded() ? ", \(Int(m))m" : ", \(m)m"
            } else if v.truncatingRemainder(dividingBy: 1000) == 0 {
                short = ", \(Int(v / 1000))k"
            }
        }
        return Diagnostic(.syntax, "E113", "'\(written)': numbers are written without thousands separators", file: file,
                          range: range, help: "write \(plain), \(underscored)\(short)")
    }

    /// True when the file ends inside a `{` block: the newline we stopped at is not the end.
    var openBracketsAtEnd: Bool {
        // Statements end outside braces, so counting from this statement's start is enough.
        var depth = 0
        for t in tokens.remaining() {
            if t.isSymbol("{") { depth += 1 } else if t.isSymbol("}") { depth -= 1 }
        }
        return depth > 0
    }

    /// The innermost `{`, `(` or `[` of the statement that input ended inside.
    var unclosedBracket: Token? {
        var open: [Token] = []
        for t in tokens.remaining() {
            if t.isSymbol("{") || t.isSymbol("(") || t.isSymbol("[") { open.append(t) }
            if t.isSymbol("}") || t.isSymbol(")") || t.isSymbol("]") { _ = open.popLast() }
        }
        return open.last
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .word(let w): return "'\(w)'"
        case .string(let s): return "string \"\(s)\""
        case .number, .amount, .percent: return "number \(file.text(t.range))"
        case .date, .month, .quarter: return "date \(file.text(t.range))"
        case .symbol(let s): return "'\(s)'"
        case .dotCommand(let c): return "'\(c)'"
        case .newline: return "end of line"
        case .eof: return "end of input"
        }
    }

    /// statement-end := NEWLINE | ";" | EOF
    mutating func expectStatementEnd() throws {
        if atNewline || atSymbol(";") || tokens.isLast(index) { return }
        throw unexpected(expected: "end of statement", help: current.keyword.flatMap(Self.habitHelp))
    }

    /// Help for words users bring from SQL, and for misspelt clause keywords.
    static func habitHelp(_ word: String) -> String? {
        switch word {
        case "group": return "group with by: count deals by team"
        case "having": return "a where that names a result column filters groups: forecast by team where weighted > 100k"
        case "like": return "there is no LIKE; compare whole values with = or in (\"A\", \"B\")"
        case "between": return "write both bounds: amount >= 10k and amount <= 60k"
        case "descending": return "write desc"
        case "ascending": return "write asc"
        case "select", "from": return "a query starts with its verb: deals where ... show id, amount"
        default:
            return Suggest.closest(to: word, in: Array(clauseKeywords) + ["desc", "asc", "and", "or", "not", "in", "is"])
                .map { "did you mean '\($0)'?" }
        }
    }

    /// Panic mode: skip to the next separator outside braces, so the next statement parses
    /// on its own. Always makes progress.
    mutating func synchronize(from start: Int) {
        if index == start { advance() }
        var depth = 0
        for t in tokens.tokens(from: start, to: index) {
            if t.isSymbol("{") { depth += 1 } else if t.isSymbol("}") { depth = max(0, depth - 1) }
        }
        // What is skipped is never looked at again.
        tokens.keptFrom = index
        while !current.isEOF {
            if current.isSymbol("{") { depth += 1 }
            if current.isSymbol("}") { depth = max(0, depth - 1) }
            if depth == 0, atNewline || atSymbol(";") { return }
            advance()
            tokens.keptFrom = index
        }
    }

    // MARK: - Small pieces

    /// name := WORD | STRING
    mutating func parseName(_ what: String) throws -> Identifier {
        let t = current
        switch t.kind {
        case .word(let w): step(); return Identifier(w, t.range)
        case .string(let s): step(); return Identifier(s, t.range)
        default: throw unexpected(expected: what)
        }
    }

    /// string := STRING
    mutating func parseString(_ what: String) throws -> String {
        if case .string(let s) = current.kind { step(); return s }
        throw unexpected(expected: what)
    }

    /// duration := NUMBER duration-unit
    /// duration-unit := "day" | "days" | "week" | "weeks" | "month" | "months"
    ///                | "quarter" | "quarters" | "year" | "years"
    mutating func parseDuration() throws -> Duration {
        guard case .number(let n) = current.kind else {
            throw unexpected(expected: "a duration like 14 days")
        }
        let numberToken = advance()
        guard let unit = current.keyword.flatMap(Self.durationUnit) else {
            throw unexpected(expected: "a unit (days, weeks, months)", help: "write a duration like \(file.text(numberToken.range)) days")
        }
        advance()
        if n > 100_000 {
            throw Diagnostic(.syntax, "E102", "a duration can be at most 100,000 \(unit.rawValue)", file: file, range: numberToken.range)
        }
        guard n == n.rounded(), n >= 0 else {
            throw Diagnostic(.syntax, "E102", "a duration must be a whole number of \(unit.rawValue)", file: file,
                             range: numberToken.range)
        }
        return Duration(count: Int(n), unit: unit)
    }

    static func durationUnit(_ w: String) -> DurationUnit? {
        switch w {
        case "day", "days": return .days
        case "week", "weeks": return .weeks
        case "month", "months": return .months
        case "quarter", "quarters": return .quarters
        case "year", "years": return .years
        default: return nil
        }
    }

    /// on-clause := "on" expr
    mutating func parseOnDate() throws -> Expr? {
        if current.isNewline, peekPastNewlines().isKeyword("on") { skipNewlines() }
        guard accept("on") else { return nil }
        skipNewlines()
        return try parseExpression()
    }

    /// deal-ref := STRING | WORD | NUMBER
    mutating func parseRecordID(_ what: String) throws -> Expr {
        let t = current
        // `S-1` without quotes lexes as several tokens; say how to write it.
        if case .word = t.kind, tokens.isSymbol(index + 1, "-"), token(at: 1).range.start == t.range.end {
            var end = token(at: 1).range.end
            var i = 2
            while case .word = token(at: i).kind, token(at: i).range.start == end { end = token(at: i).range.end; i += 1 }
            while case .number = token(at: i).kind, token(at: i).range.start == end { end = token(at: i).range.end; i += 1 }
            let text = file.text(SourceRange(t.range.start, end))
            throw Diagnostic(.syntax, "E110", "an id with '-' in it must be quoted", file: file,
                             range: SourceRange(t.range.start, end), help: "write \"\(text)\"")
        }
        switch t.kind {
        case .string(let s): step(); return Expr(.string(s), t.range)
        case .word(let w): step(); return Expr(.string(w), t.range)
        case .number: step(); return Expr(.string(file.text(t.range)), t.range)
        default: throw unexpected(expected: what, help: "ids are written in quotes, like \"D-1001\"")
        }
    }
}
