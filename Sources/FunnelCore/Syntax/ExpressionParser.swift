/// Expressions, by precedence from loosest to tightest:
/// `or`, `and`, `not`, comparisons (`= != < <= > >=`, `is [not] empty`, `[not] in`),
/// `+ -`, `* /`, unary `-`, postfix `.bucket` and `table[key].column`.
/// A line that ends with an operator continues on the next line.
extension Parser {
    static let maxNesting = 200

    /// expr := or-expr
    public mutating func parseExpression() throws -> Expr {
        if let literal = standaloneLiteral() { return literal }
        return try parseOr(depth: 0).expr
    }

    /// A literal that nothing after it can continue — the next token is `,`, `}`, `)`, `;`,
    /// a newline, the end or `on` (none an operator, nor a unit after a number) — as the
    /// descent through every level of precedence would give it. Most values in a script are
    /// such, and the descent reads the next token at each of its eight levels.
    mutating func standaloneLiteral() -> Expr? {
        let t = current
        let kind: ExprKind
        switch t.kind {
        case .string(let s): kind = .string(s)
        case .number(let n): kind = .number(n)
        case .amount(let m): kind = .amount(m)
        case .percent(let p): kind = .percent(p)
        case .date(let d): kind = .date(d)
        default: return nil
        }
        let ends = tokens.inPlace(index + 1) { next in
            switch next.kind {
            case .symbol(let s): return s == "," || s == "}" || s == ")" || s == ";"
            case .newline, .eof: return true
            case .word: return next.isKeyword("on")
            default: return false
            }
        }
        guard ends else { return nil }
        step()
        return Expr(kind, t.range)
    }

    /// An expression and its tree's height. Every later stage (the resolver, the compiler,
    /// printing, even freeing the tree) walks it recursively, so a node that would make the
    /// tree taller than `maxNesting` is refused as it is built: a long flat chain
    /// (`1 + 1 + ...`, `a or b or ...`) never becomes a tree deep enough to overflow the stack.
    struct Sized {
        var expr: Expr
        var height: Int
        init(_ expr: Expr, height: Int) { self.expr = expr; self.height = height }
    }

    /// A node over children of the given heights, or E108 when it would be too tall.
    func node(_ kind: ExprKind, _ range: SourceRange, over heights: Int...) throws -> Sized {
        let height = (heights.max() ?? 0) + 1
        guard height <= Self.maxNesting else {
            throw Diagnostic(.syntax, "E108", "expression too long or nested too deeply (more than \(Self.maxNesting) levels)",
                             file: file, range: range,
                             help: "for many values use a list: id in (\"D-1\", \"D-2\", ...)")
        }
        return Sized(Expr(kind, range), height: height)
    }

    func nestingError() -> Diagnostic {
        Diagnostic(.syntax, "E108", "expression nested too deeply (more than \(Self.maxNesting) levels)",
                   file: file, range: current.range, help: "split the expression into simpler parts")
    }

    /// or-expr := and-expr { "or" and-expr }
    mutating func parseOr(depth: Int) throws -> Sized {
        var lhs = try parseAnd(depth: depth)
        while accept("or") {
            skipNewlines()
            let rhs = try parseAnd(depth: depth)
            lhs = try node(.binary(.or, lhs.expr, rhs.expr), lhs.expr.range.union(rhs.expr.range), over: lhs.height, rhs.height)
        }
        return lhs
    }

    /// and-expr := not-expr { "and" not-expr }
    mutating func parseAnd(depth: Int) throws -> Sized {
        var lhs = try parseNot(depth: depth)
        while accept("and") {
            skipNewlines()
            let rhs = try parseNot(depth: depth)
            lhs = try node(.binary(.and, lhs.expr, rhs.expr), lhs.expr.range.union(rhs.expr.range), over: lhs.height, rhs.height)
        }
        return lhs
    }

    /// not-expr := "not" not-expr | comparison
    mutating func parseNot(depth: Int) throws -> Sized {
        guard depth < Self.maxNesting else { throw nestingError() }
        let t = current
        if accept("not") {
            skipNewlines()
            let inner = try parseNot(depth: depth + 1)
            return try node(.not(inner.expr), t.range.union(inner.expr.range), over: inner.height)
        }
        return try parseComparison(depth: depth)
    }

    /// comparison := additive [ ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) additive
    ///                          | "is" [ "not" ] "empty" | [ "not" ] "in" list ]
    mutating func parseComparison(depth: Int) throws -> Sized {
        let lhs = try parseAdditive(depth: depth)
        if case .symbol(let s) = current.kind, let op = BinaryOp(rawValue: s), [.eq, .ne, .lt, .le, .gt, .ge].contains(op) {
            advance()
            skipNewlines()
            let rhs = try parseAdditive(depth: depth)
            return try node(.binary(op, lhs.expr, rhs.expr), lhs.expr.range.union(rhs.expr.range), over: lhs.height, rhs.height)
        }
        if accept("is") {
            let negated = accept("not")
            let t = current
            try expect("empty", "'empty' (is empty, is not empty)")
            return try node(.isEmpty(lhs.expr, negated: negated), lhs.expr.range.union(t.range), over: lhs.height)
        }
        if check("not"), token(at: 1).isKeyword("in") {
            advance(); advance()
            return try finishIn(lhs, negated: true, depth: depth)
        }
        if accept("in") { return try finishIn(lhs, negated: false, depth: depth) }
        return lhs
    }

    mutating func finishIn(_ lhs: Sized, negated: Bool, depth: Int) throws -> Sized {
        skipNewlines()
        let list = try parsePrimarySized(depth: depth + 1)
        let items: [Expr]
        // The items of a list hang directly under the `in` node: one level less than the list.
        let itemsHeight: Int
        if case .list(let xs) = list.expr.kind { items = xs; itemsHeight = list.height - 1 } else { items = [list.expr]; itemsHeight = list.height }
        return try node(.inList(lhs.expr, items, negated: negated), lhs.expr.range.union(list.expr.range), over: lhs.height, itemsHeight)
    }

    /// additive := multiplicative { ( "+" | "-" ) multiplicative }
    mutating func parseAdditive(depth: Int) throws -> Sized {
        var lhs = try parseMultiplicative(depth: depth)
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            advance()
            skipNewlines()
            let rhs = try parseMultiplicative(depth: depth)
            lhs = try node(.binary(s == "+" ? .add : .sub, lhs.expr, rhs.expr), lhs.expr.range.union(rhs.expr.range), over: lhs.height, rhs.height)
        }
        return lhs
    }

    /// multiplicative := unary { ( "*" | "/" ) unary }
    mutating func parseMultiplicative(depth: Int) throws -> Sized {
        var lhs = try parseUnary(depth: depth)
        while case .symbol(let s) = current.kind, s == "*" || s == "/" {
            advance()
            skipNewlines()
            let rhs = try parseUnary(depth: depth)
            lhs = try node(.binary(s == "*" ? .mul : .div, lhs.expr, rhs.expr), lhs.expr.range.union(rhs.expr.range), over: lhs.height, rhs.height)
        }
        return lhs
    }

    /// unary := "-" unary | postfix
    mutating func parseUnary(depth: Int) throws -> Sized {
        guard depth < Self.maxNesting else { throw nestingError() }
        let t = current
        if acceptSymbol("-") {
            let inner = try parseUnary(depth: depth + 1)
            return try node(.negate(inner.expr), t.range.union(inner.expr.range), over: inner.height)
        }
        return try parsePostfix(depth: depth)
    }

    /// postfix := primary { "." WORD }
    mutating func parsePostfix(depth: Int) throws -> Sized {
        var e = try parsePrimarySized(depth: depth)
        while current.isSymbol(".") {
            advance()
            let member = try parseName("a date part (week, month, quarter, year) or column")
            e = try node(.member(e.expr, member), e.expr.range.union(member.range), over: e.height)
        }
        return e
    }

    /// A primary expression on its own (a list of values, a single value), for clauses that
    /// take one.
    mutating func parsePrimary() throws -> Expr {
        try parsePrimarySized(depth: 0).expr
    }

    /// primary := NUMBER [ duration-unit ] | PERCENT | STRING | DATE | MONTH | QUARTER
    ///          | "true" | "false" | "是" | "否" | "对" | "错" | "有" | "无" | "empty" | "today" | "tasks" "done"
    ///          | WORD "[" expr "]" "." WORD | WORD "(" [ expr { "," expr } ] ")" | WORD
    ///          | "(" expr ")" | list
    /// list := "(" [ expr { "," expr } [ "," ] ] ")"
    mutating func parsePrimarySized(depth: Int) throws -> Sized {
        guard depth < Self.maxNesting else { throw nestingError() }
        let t = current
        switch t.kind {
        case .number(let n):
            advance()
            if let unit = current.keyword.flatMap(Self.durationUnit) {
                let u = advance()
                guard n == n.rounded() else {
                    throw Diagnostic(.syntax, "E102", "a duration must be a whole number of \(unit.rawValue)", file: file, range: t.range)
                }
                guard n <= 100_000 else {
                    throw Diagnostic(.syntax, "E102", "a duration can be at most 100,000 \(unit.rawValue)", file: file, range: t.range)
                }
                return Sized(Expr(.duration(Duration(count: Int(n), unit: unit)), t.range.union(u.range)), height: 1)
            }
            return Sized(Expr(.number(n), t.range), height: 1)
        case .amount(let m): advance(); return Sized(Expr(.amount(m), t.range), height: 1)
        case .percent(let p): advance(); return Sized(Expr(.percent(p), t.range), height: 1)
        case .string(let s): advance(); return Sized(Expr(.string(s), t.range), height: 1)
        case .date(let d): advance(); return Sized(Expr(.date(d), t.range), height: 1)
        case .month(let y, let m): advance(); return Sized(Expr(.month(y, m), t.range), height: 1)
        case .quarter(let y, let q): advance(); return Sized(Expr(.quarter(y, q), t.range), height: 1)
        case .symbol("("):
            advance()
            if acceptSymbol(")") { return Sized(Expr(.list([]), SourceRange(t.range.start, previousEnd)), height: 1) }
            let first = try parseOr(depth: depth + 1)
            if acceptSymbol(")") {
                return Sized(Expr(first.expr.kind, SourceRange(t.range.start, previousEnd)), height: first.height)
            }
            var items = [first.expr]
            var tallest = first.height
            while acceptSymbol(",") {
                if current.isSymbol(")") { break }
                let item = try parseOr(depth: depth + 1)
                items.append(item.expr)
                tallest = max(tallest, item.height)
            }
            try expectSymbol(")", "',' or ')'")
            return try node(.list(items), SourceRange(t.range.start, previousEnd), over: tallest)
        case .word(let w):
            let lower = w.lowercased()
            switch lower {
            // 是/否, 对/错, 有/无: how Chinese CRMs and spreadsheets write true and false.
            case "true", "false", "是", "否", "对", "错", "有", "无":
                advance()
                return Sized(Expr(.bool(["true", "是", "对", "有"].contains(lower)), t.range), height: 1)
            case "empty": advance(); return Sized(Expr(.empty, t.range), height: 1)
            case "today": advance(); return Sized(Expr(.today, t.range), height: 1)
            case "tasks" where token(at: 1).isKeyword("done"):
                advance(); let d = advance()
                return Sized(Expr(.tasksDone, t.range.union(d.range)), height: 1)
            default: break
            }
            advance()
            let name = Identifier(w, t.range)
            if acceptSymbol("[") {
                let key = try parseOr(depth: depth + 1)
                try expectSymbol("]")
                try expectSymbol(".", "'.' and a column name (\(w)[key].column)")
                let column = try parseName("a column name")
                return try node(.lookup(table: name, key: key.expr, column: column), t.range.union(column.range), over: key.height)
            }
            if current.isSymbol("("), current.range.start == t.range.end {
                advance()
                var args: [Expr] = []
                var tallest = 0
                if !current.isSymbol(")") {
                    repeat {
                        let arg = try parseOr(depth: depth + 1)
                        args.append(arg.expr)
                        tallest = max(tallest, arg.height)
                    } while acceptSymbol(",")
                }
                try expectSymbol(")", "',' or ')'")
                return try node(.call(name, args), SourceRange(t.range.start, previousEnd), over: tallest)
            }
            return Sized(Expr(.name(w), t.range), height: 1)
        default:
            throw unexpected(expected: "a value or a field name")
        }
    }
}
