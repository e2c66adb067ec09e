/// Expressions, by precedence from loosest to tightest:
/// `or`, `and`, `not`, comparisons (`= != < <= > >=`, `is [not] empty`, `[not] in`),
/// `+ -`, `* /`, unary `-`, postfix `.bucket` and `table[key].column`.
/// A line that ends with an operator continues on the next line.
extension Parser {
    static let maxNesting = 200

    /// expr := or-expr
    public mutating func parseExpression() throws -> Expr {
        let e = try parseOr(depth: 0)
        // Long flat chains (`a or b or c ...`) build a deep tree without nesting brackets;
        // every later stage walks it recursively, so its depth is bounded here, once.
        if Self.depth(of: e) > Self.maxNesting {
            throw Diagnostic(.syntax, "E108", "expression too long or nested too deeply (more than \(Self.maxNesting) levels)",
                             file: file, range: e.range,
                             help: "for many values use a list: id in (\"D-1\", \"D-2\", ...)")
        }
        return e
    }

    /// The depth of an expression tree, measured without recursion.
    static func depth(of root: Expr) -> Int {
        var deepest = 0
        var stack: [(Expr, Int)] = [(root, 1)]
        while let (e, d) = stack.popLast() {
            deepest = max(deepest, d)
            switch e.kind {
            case .not(let x), .negate(let x), .isEmpty(let x, _), .member(let x, _): stack.append((x, d + 1))
            case .binary(_, let a, let b): stack.append((a, d + 1)); stack.append((b, d + 1))
            case .inList(let x, let xs, _): stack.append((x, d + 1)); for i in xs { stack.append((i, d + 1)) }
            case .list(let xs), .call(_, let xs): for i in xs { stack.append((i, d + 1)) }
            case .lookup(_, let k, _): stack.append((k, d + 1))
            default: break
            }
        }
        return deepest
    }

    func nestingError() -> Diagnostic {
        Diagnostic(.syntax, "E108", "expression nested too deeply (more than \(Self.maxNesting) levels)",
                   file: file, range: current.range, help: "split the expression into simpler parts")
    }

    /// or-expr := and-expr { "or" and-expr }
    mutating func parseOr(depth: Int) throws -> Expr {
        var lhs = try parseAnd(depth: depth)
        while accept("or") {
            skipNewlines()
            let rhs = try parseAnd(depth: depth)
            lhs = Expr(.binary(.or, lhs, rhs), lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// and-expr := not-expr { "and" not-expr }
    mutating func parseAnd(depth: Int) throws -> Expr {
        var lhs = try parseNot(depth: depth)
        while accept("and") {
            skipNewlines()
            let rhs = try parseNot(depth: depth)
            lhs = Expr(.binary(.and, lhs, rhs), lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// not-expr := "not" not-expr | comparison
    mutating func parseNot(depth: Int) throws -> Expr {
        guard depth < Self.maxNesting else { throw nestingError() }
        let t = current
        if accept("not") {
            skipNewlines()
            let inner = try parseNot(depth: depth + 1)
            return Expr(.not(inner), t.range.union(inner.range))
        }
        return try parseComparison(depth: depth)
    }

    /// comparison := additive [ ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) additive
    ///                          | "is" [ "not" ] "empty" | [ "not" ] "in" list ]
    mutating func parseComparison(depth: Int) throws -> Expr {
        let lhs = try parseAdditive(depth: depth)
        if case .symbol(let s) = current.kind, let op = BinaryOp(rawValue: s), [.eq, .ne, .lt, .le, .gt, .ge].contains(op) {
            advance()
            skipNewlines()
            let rhs = try parseAdditive(depth: depth)
            return Expr(.binary(op, lhs, rhs), lhs.range.union(rhs.range))
        }
        if accept("is") {
            let negated = accept("not")
            let t = current
            try expect("empty", "'empty' (is empty, is not empty)")
            return Expr(.isEmpty(lhs, negated: negated), lhs.range.union(t.range))
        }
        if check("not"), token(at: 1).isKeyword("in") {
            advance(); advance()
            return try finishIn(lhs, negated: true, depth: depth)
        }
        if accept("in") { return try finishIn(lhs, negated: false, depth: depth) }
        return lhs
    }

    mutating func finishIn(_ lhs: Expr, negated: Bool, depth: Int) throws -> Expr {
        skipNewlines()
        let list = try parsePrimary(depth: depth + 1)
        let items: [Expr]
        if case .list(let xs) = list.kind { items = xs } else { items = [list] }
        return Expr(.inList(lhs, items, negated: negated), lhs.range.union(list.range))
    }

    /// additive := multiplicative { ( "+" | "-" ) multiplicative }
    mutating func parseAdditive(depth: Int) throws -> Expr {
        var lhs = try parseMultiplicative(depth: depth)
        while case .symbol(let s) = current.kind, s == "+" || s == "-" {
            advance()
            skipNewlines()
            let rhs = try parseMultiplicative(depth: depth)
            lhs = Expr(.binary(s == "+" ? .add : .sub, lhs, rhs), lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// multiplicative := unary { ( "*" | "/" ) unary }
    mutating func parseMultiplicative(depth: Int) throws -> Expr {
        var lhs = try parseUnary(depth: depth)
        while case .symbol(let s) = current.kind, s == "*" || s == "/" {
            advance()
            skipNewlines()
            let rhs = try parseUnary(depth: depth)
            lhs = Expr(.binary(s == "*" ? .mul : .div, lhs, rhs), lhs.range.union(rhs.range))
        }
        return lhs
    }

    /// unary := "-" unary | postfix
    mutating func parseUnary(depth: Int) throws -> Expr {
        guard depth < Self.maxNesting else { throw nestingError() }
        let t = current
        if acceptSymbol("-") {
            let inner = try parseUnary(depth: depth + 1)
            return Expr(.negate(inner), t.range.union(inner.range))
        }
        return try parsePostfix(depth: depth)
    }

    /// postfix := primary { "." WORD }
    mutating func parsePostfix(depth: Int) throws -> Expr {
        var e = try parsePrimary(depth: depth)
        while current.isSymbol(".") {
            advance()
            let member = try parseName("a date part (week, month, quarter, year) or column")
            e = Expr(.member(e, member), e.range.union(member.range))
        }
        return e
    }

    /// primary := NUMBER [ duration-unit ] | PERCENT | STRING | DATE | MONTH | QUARTER
    ///          | "true" | "false" | "empty" | "today" | "tasks" "done"
    ///          | WORD "[" expr "]" "." WORD | WORD "(" [ expr { "," expr } ] ")" | WORD
    ///          | "(" expr ")" | list
    /// list := "(" [ expr { "," expr } [ "," ] ] ")"
    mutating func parsePrimary(depth: Int = 0) throws -> Expr {
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
                return Expr(.duration(Duration(count: Int(n), unit: unit)), t.range.union(u.range))
            }
            return Expr(.number(n), t.range)
        case .percent(let p): advance(); return Expr(.percent(p), t.range)
        case .string(let s): advance(); return Expr(.string(s), t.range)
        case .date(let d): advance(); return Expr(.date(d), t.range)
        case .month(let y, let m): advance(); return Expr(.month(y, m), t.range)
        case .quarter(let y, let q): advance(); return Expr(.quarter(y, q), t.range)
        case .symbol("("):
            advance()
            if acceptSymbol(")") { return Expr(.list([]), SourceRange(t.range.start, previousEnd)) }
            let first = try parseOr(depth: depth + 1)
            if acceptSymbol(")") {
                return Expr(first.kind, SourceRange(t.range.start, previousEnd))
            }
            var items = [first]
            while acceptSymbol(",") {
                if current.isSymbol(")") { break }
                items.append(try parseOr(depth: depth + 1))
            }
            try expectSymbol(")", "',' or ')'")
            return Expr(.list(items), SourceRange(t.range.start, previousEnd))
        case .word(let w):
            let lower = w.lowercased()
            switch lower {
            case "true", "false": advance(); return Expr(.bool(lower == "true"), t.range)
            case "empty": advance(); return Expr(.empty, t.range)
            case "today": advance(); return Expr(.today, t.range)
            case "tasks" where token(at: 1).isKeyword("done"):
                advance(); let d = advance()
                return Expr(.tasksDone, t.range.union(d.range))
            default: break
            }
            advance()
            let name = Identifier(w, t.range)
            if acceptSymbol("[") {
                let key = try parseOr(depth: depth + 1)
                try expectSymbol("]")
                try expectSymbol(".", "'.' and a column name (\(w)[key].column)")
                let column = try parseName("a column name")
                return Expr(.lookup(table: name, key: key, column: column), t.range.union(column.range))
            }
            if current.isSymbol("("), current.range.start == t.range.end {
                advance()
                var args: [Expr] = []
                if !current.isSymbol(")") {
                    repeat { args.append(try parseOr(depth: depth + 1)) } while acceptSymbol(",")
                }
                try expectSymbol(")", "',' or ')'")
                return Expr(.call(name, args), SourceRange(t.range.start, previousEnd))
            }
            return Expr(.name(w), t.range)
        default:
            throw unexpected(expected: "a value or a field name")
        }
    }
}
