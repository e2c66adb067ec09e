/// Compiles an expression once into a closure over deal rows, so a query runs a closure
/// per deal rather than walking the tree per deal. Common shapes get kernels that compare
/// integers: a stage comparison becomes one precomputed Bool per stage slot, and a text
/// field compared with a literal compares dictionary codes.
///
/// Expressions are type-checked by the resolver first; anything unexpected here still
/// evaluates to empty (null) rather than trapping.
public struct ExprCompiler {
    public typealias Eval = (Int) -> Value
    public typealias Predicate = (Int) -> Bool

    let ctx: EvalContext
    let file: SourceFile
    /// When set, bare names mean something other than deal fields (an import mapping's
    /// CSV columns, a lead's fields): this resolves them, and the deal-only kernels are off.
    let names: ((String, SourceRange) throws -> Eval)?
    /// How `TABLE[KEY].COLUMN` is looked up; nil evaluates lookups to empty.
    let lookup: ((String, @escaping Eval, String, SourceRange) throws -> Eval)?
    /// How `number(text)` and `date(text)` read text: an import's `decimal ","` and
    /// `date format` apply inside its mapping's expressions too.
    public var conversion = FieldConversion()
    /// Where `number(text)` and `date(text)` report text they cannot read. An import mapping
    /// makes that a row problem; elsewhere (nil) such text is simply empty.
    public var unreadable: ((String) -> Void)?

    public init(context: EvalContext, file: SourceFile,
                names: ((String, SourceRange) throws -> Eval)? = nil,
                lookup: ((String, @escaping Eval, String, SourceRange) throws -> Eval)? = nil) {
        self.ctx = context
        self.file = file
        self.names = names
        self.lookup = lookup
    }

    /// Deal kernels apply only when bare names are deal fields.
    var dealScope: Bool { names == nil }

    var deals: DealTable { ctx.state.deals }
    var pool: StringPool { ctx.state.pool }

    // MARK: - Predicates

    /// A filter: true keeps the deal. Empty (null) counts as false.
    public func predicate(_ e: Expr) throws -> Predicate {
        switch e.kind {
        case .binary(.and, let l, let r):
            let a = try predicate(l), b = try predicate(r)
            return { a($0) && b($0) }
        case .binary(.or, let l, let r):
            let a = try predicate(l), b = try predicate(r)
            return { a($0) || b($0) }
        case .not(let x):
            let a = try predicate(x)
            return { !a($0) }
        case .binary(let op, let l, let r) where isComparison(op) && dealScope:
            if case .name("stage") = l.kind { return try stagePredicate(op, r) }
            if case .name("stage") = r.kind { return try stagePredicate(flip(op), l) }
            if let k = try textCodeKernel(op, l, r) { return k }
        case .inList(let x, let items, let negated) where dealScope:
            if case .name("stage") = x.kind {
                let names = Set(items.compactMap(stageName))
                let matches = ctx.state.slots.stage.map { names.contains(pool[$0]) }
                let slots = deals.stageSlot
                return negated ? { !matches[Int(slots[$0])] } : { matches[Int(slots[$0])] }
            }
        default:
            break
        }
        let v = try compile(e)
        return { v($0) == .bool(true) }
    }

    func isComparison(_ op: BinaryOp) -> Bool { [.eq, .ne, .lt, .le, .gt, .ge].contains(op) }

    func flip(_ op: BinaryOp) -> BinaryOp {
        switch op { case .lt: return .gt; case .le: return .ge; case .gt: return .lt; case .ge: return .le; default: return op }
    }

    func stageName(_ e: Expr) -> String? {
        switch e.kind {
        case .name(let s), .string(let s): return s
        default: return nil
        }
    }

    /// `stage OP NAME` in each deal's own funnel: open stages in order, then won; a lost
    /// deal is neither greater nor less than any stage, and a funnel without that stage
    /// never matches an ordering.
    func stagePredicate(_ op: BinaryOp, _ other: Expr) throws -> Predicate {
        guard let target = stageName(other) else { return { _ in false } }
        let slots = ctx.state.slots
        var matches = [Bool](repeating: false, count: slots.count)
        for i in 0..<slots.count {
            let stage = pool[slots.stage[i]]
            switch op {
            case .eq: matches[i] = stage == target
            case .ne: matches[i] = stage != target
            default:
                let f = ctx.state.catalog.funnels[pool[slots.funnel[i]]]
                guard let mine = ctx.slotInfo[i].position, let theirs = f?.stage(named: target)?.position else { continue }
                switch op {
                case .lt: matches[i] = mine < theirs
                case .le: matches[i] = mine <= theirs
                case .gt: matches[i] = mine > theirs
                default: matches[i] = mine >= theirs
                }
            }
        }
        // Captured as constants: a captured `var` would be read through its box, with an
        // exclusivity check, for every deal.
        let dealSlots = deals.stageSlot, matchOfSlot = matches
        return { matchOfSlot[Int(dealSlots[$0])] }
    }

    /// `owner = "li.wei"` as an integer compare on dictionary codes.
    func textCodeKernel(_ op: BinaryOp, _ l: Expr, _ r: Expr) throws -> Predicate? {
        guard op == .eq || op == .ne else { return nil }
        var field: String, literal: String
        if case .name(let f) = l.kind, case .string(let s) = r.kind { field = f; literal = s }
        else if case .name(let f) = r.kind, case .string(let s) = l.kind { field = f; literal = s }
        else { return nil }
        guard let column = textColumn(field) else { return nil }
        // A value no deal has ever had matches nothing (or everything, for !=).
        guard let code = pool.code(of: literal) else { return op == .eq ? { _ in false } : { _ in true } }
        return op == .eq ? { column[$0] == code } : { column[$0] != code }
    }

    func textColumn(_ name: String) -> Column<Int32>? {
        switch name {
        case "name": return deals.name
        case "owner": return deals.owner
        case "team": return ctx.teams
        case "manager": return ctx.managers
        case "source": return deals.source
        case "product": return deals.product
        case "account": return deals.account
        case "lost_reason": return deals.lostReason
        case "funnel": return deals.funnel
        default: return nil
        }
    }

    // MARK: - Values

    public func compile(_ e: Expr) throws -> Eval {
        switch e.kind {
        case .number(let n): return { _ in .number(n) }
        case .amount(let m): return { _ in .money(m) }
        case .percent(let p): return { _ in .number(p) }
        case .string(let s): return { _ in .text(s) }
        case .bool(let b): return { _ in .bool(b) }
        case .empty: return { _ in .null }
        case .date(let d): return { _ in .date(d) }
        case .month(let y, let m): let d = Calendar.day(year: y, month: m, day: 1); return { _ in .date(d) }
        case .quarter(let y, let q): let d = Calendar.day(year: y, month: (q - 1) * 3 + 1, day: 1); return { _ in .date(d) }
        case .duration(let d): let n = Double(d.days); return { _ in .number(n) }
        case .today: let t = ctx.today; return { _ in .date(t) }
        case .name(let n):
            if let names { return try names(n, e.range) }
            return field(n)
        case .tasksDone:
            let state = ctx.state
            return { r in .bool(state.tasksDone(row: r)) }
        case .not(let x):
            let p = try predicate(x)
            return { .bool(!p($0)) }
        case .negate(let x):
            let v = try compile(x)
            return { r in
                let x = v(r)
                if case .money(let m) = x { return .money(m.negated) }
                return x.number.map { .number(-$0) } ?? .null
            }
        case .isEmpty(let x, let negated):
            let v = try compile(x)
            return { r in .bool(Self.isEmptyValue(v(r)) != negated) }
        case let .inList(x, items, negated):
            if dealScope, case .name("stage") = x.kind {
                let p = try predicate(e)
                return { .bool(p($0)) }
            }
            let v = try compile(x)
            let vs = try items.map { try compile($0) }
            return { r in
                let a = v(r)
                if a.isNull { return .bool(false) }
                let found = vs.contains { Self.equal(a, $0(r)) }
                return .bool(found != negated)
            }
        case .list(let items):
            let vs = try items.map { try compile($0) }
            return { r in .list(vs.map { $0(r) }) }
        case .member(let x, let part):
            let v = try compile(x)
            let p = part.text.lowercased()
            return { r in
                guard let d = v(r).date else { return .null }
                return DateBucket.value(of: d, part: p)
            }
        case let .lookup(table, key, column):
            let k = try compile(key)
            guard let lookup else {
                return try ReferenceTable.queryLookup(state: ctx.state, file: file)(table.text, k, column.text, e.range)
            }
            return try lookup(table.text, k, column.text, e.range)
        case let .call(name, args):
            let vs = try args.map { try compile($0) }
            return try FunctionEvaluator.compile(name.text.lowercased(), vs, file: file, range: e.range, conversion: conversion,
                                                unreadable: unreadable)
        case let .binary(op, l, r):
            switch op {
            case .and, .or, .eq, .ne, .lt, .le, .gt, .ge:
                if op == .eq || op == .ne, let window = periodWindow(r) ?? periodWindow(l) {
                    let v = try compile(periodWindow(r) != nil ? l : r)
                    let (lo, hi) = window
                    return { row in
                        guard let d = v(row).date else { return .bool(false) }
                        return .bool((d >= lo && d < hi) == (op == .eq))
                    }
                }
                if dealScope, op == .and || op == .or || stageName(l) == "stage" || stageName(r) == "stage" {
                    if case .name("stage") = l.kind { let p = try predicate(e); return { .bool(p($0)) } }
                    if case .name("stage") = r.kind { let p = try predicate(e); return { .bool(p($0)) } }
                    if op == .and || op == .or { let p = try predicate(e); return { .bool(p($0)) } }
                }
                if op == .and || op == .or {
                    let a = try predicate(l), b = try predicate(r)
                    return op == .and ? { .bool(a($0) && b($0)) } : { .bool(a($0) || b($0)) }
                }
                let a = try compile(l), b = try compile(r)
                // `amount > 50k`: the literal as cents once, not per deal.
                if case .number(let y) = r.kind, let ym = Money(y), ym.double == y {
                    let asMoney = Value.money(ym), asNumber = Value.number(y)
                    return { row in
                        let x = a(row)
                        if case .money = x { return .bool(Self.compare(op, x, asMoney)) }
                        return .bool(Self.compare(op, x, asNumber))
                    }
                }
                return { row in .bool(Self.compare(op, a(row), b(row))) }
            case .add, .sub, .mul, .div:
                let a = try compile(l), b = try compile(r)
                let faults = ctx.faults, range = e.range
                return { row in
                    if let v = Self.checkedArithmetic(op, a(row), b(row)) { return v }
                    faults.recordOverflow(range)
                    return .null
                }
            }
        }
    }

    /// `close_date = 2026-03` means "within March".
    func periodWindow(_ e: Expr) -> (Int32, Int32)? {
        switch e.kind {
        case .month(let y, let m):
            let lo = Calendar.day(year: y, month: m, day: 1)
            return (lo, Calendar.addMonths(lo, 1))
        case .quarter(let y, let q):
            let lo = Calendar.day(year: y, month: (q - 1) * 3 + 1, day: 1)
            return (lo, Calendar.addMonths(lo, 3))
        default: return nil
        }
    }

    /// A deal field as a value.
    func field(_ n: String) -> Eval {
        let d = deals, p = pool, c = ctx
        func text(_ col: Column<Int32>) -> Eval { { r in col[r] == Empty.text ? .null : .text(p[col[r]]) } }
        func date(_ col: Column<Int32>) -> Eval { { r in col[r] == Empty.date ? .null : .date(col[r]) } }
        switch n {
        case "id": return { r in .text(d.ids[r]) }
        case "name": return text(d.name)
        case "owner": return text(d.owner)
        case "team": return text(c.teams)
        case "manager":
            if let m = c.managers { return text(m) }
            return { _ in .null }
        case "source": return text(d.source)
        case "product": return text(d.product)
        case "account": return text(d.account)
        case "lost_reason": return text(d.lostReason)
        case "funnel": return text(d.funnel)
        case "stage":
            let slots = c.state.slots
            return { r in .text(p[slots.stage[Int(d.stageSlot[r])]]) }
        case "status": return { r in .text(d.status[r].name) }
        case "amount": return { r in d.amount[r] == Empty.money ? .null : .money(Money(cents: d.amount[r])) }
        case "probability": return { r in .number(c.probability(r)) }
        case "weighted":
            // One deal's weighted amount, rounded to cents as a weighted figure is (WeightedSum).
            return { r in
                guard d.amount[r] != Empty.money else { return .null }
                var w = WeightedSum()
                w.add(cents: d.amount[r], millionths: WeightedSum.millionths(c.probability(r)))
                return w.money.map(Value.money) ?? .null
            }
        case "created": return date(d.created)
        case "close_date": return date(d.closeDate)
        case "closed": return date(d.closed)
        case "days_in_stage": return { r in .number(Double(c.daysInStage(r))) }
        case "age": return { r in d.created[r] == Empty.date ? .null : .number(Double(c.today - d.created[r])) }
        case "stale": return { r in .bool(c.isStale(r)) }
        case "category":
            let own = d.custom["category"]
            return { r in .text(c.category(r, own: own).rawValue) }
        default:
            guard let column = d.custom[n] else { return { _ in .null } }
            return { r in r < column.count ? column[r] : .null }
        }
    }

    static func isEmptyValue(_ v: Value) -> Bool {
        switch v {
        case .null: return true
        case .text(let s): return s.isEmpty
        case .list(let xs): return xs.isEmpty
        default: return false
        }
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x == y
        case let (.money(x), .money(y)): return x == y
        case let (.money(m), .number(y)), let (.number(y), .money(m)): return order(m, y) == 0
        case let (.text(x), .text(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.date(x), .date(y)): return x == y
        default: return false
        }
    }

    /// An amount against a number: exactly, in cents, when the number has no more than two
    /// fraction digits (`amount > 50k`, `amount = 999999999999999.9`); else as Doubles.
    static func order(_ m: Money, _ y: Double) -> Int {
        if let ym = Money(y), ym.double == y { return m.cents < ym.cents ? -1 : m.cents > ym.cents ? 1 : 0 }
        let x = m.double
        return x < y ? -1 : x > y ? 1 : 0
    }

    /// Comparisons with an empty operand are false, except `= empty` / `!= empty`.
    static func compare(_ op: BinaryOp, _ a: Value, _ b: Value) -> Bool {
        if a.isNull || b.isNull {
            let bothEmpty = isEmptyValue(a) && isEmptyValue(b)
            switch op {
            case .eq: return bothEmpty
            case .ne: return !bothEmpty
            default: return false
            }
        }
        // A CSV cell is text; next to a number it is read as one (`amount > 1` in a mapping).
        if case .text = a, case .number = b, let x = numeric(a) { return compare(op, .number(x), b) }
        if case .number = a, case .text = b, let y = numeric(b) { return compare(op, a, .number(y)) }
        if case .text(let t) = a, case .money = b, let x = ValueParsing.money(t) { return compare(op, .money(x), b) }
        if case .money = a, case .text(let t) = b, let y = ValueParsing.money(t) { return compare(op, a, .money(y)) }
        let order: Int
        switch (a, b) {
        case let (.number(x), .number(y)): order = x < y ? -1 : x > y ? 1 : 0
        case let (.money(x), .money(y)): order = x < y ? -1 : x > y ? 1 : 0
        case let (.money(x), .number(y)): order = Self.order(x, y)
        case let (.number(x), .money(y)): order = -Self.order(y, x)
        case let (.text(x), .text(y)): order = x < y ? -1 : x > y ? 1 : 0
        case let (.date(x), .date(y)): order = x < y ? -1 : x > y ? 1 : 0
        case let (.bool(x), .bool(y)): order = x == y ? 0 : (x ? 1 : -1)
        default: return op == .ne
        }
        switch op {
        case .eq: return order == 0
        case .ne: return order != 0
        case .lt: return order < 0
        case .le: return order <= 0
        case .gt: return order > 0
        default: return order >= 0
        }
    }

    /// Text that is a plain number (a CSV cell such as "1200" or "1,200.50"), else nil.
    static func numeric(_ v: Value) -> Double? {
        switch v {
        case .number(let n): return n
        case .money(let m): return m.double
        case .text(let s): return ValueParsing.number(s, decimalComma: false)
        default: return nil
        }
    }

    /// `+` of two texts joins them (`text("G-") + id` gives "G-1"), unless both read as plain
    /// numbers: CSV cells are text, and `amount = list + extra` over a file's columns adds.
    /// An overflow of money is empty here; `checkedArithmetic` tells it apart.
    static func arithmetic(_ op: BinaryOp, _ a: Value, _ b: Value) -> Value {
        checkedArithmetic(op, a, b) ?? .null
    }

    /// `arithmetic`, nil when a money result leaves the range (docs/language.md, "Money").
    /// Money ± money and ± a number is money; money × or ÷ a number is money rounded half
    /// away from zero to cents; money ÷ money is a plain number, their ratio.
    static func checkedArithmetic(_ op: BinaryOp, _ a: Value, _ b: Value) -> Value? {
        if case .text = a, let x = numeric(a), numeric(b) != nil || b.date != nil { return checkedArithmetic(op, .number(x), b) }
        if case .text = b, let y = numeric(b), a.number != nil || a.date != nil { return checkedArithmetic(op, a, .number(y)) }
        switch (a, b) {
        case let (.money(x), .money(y)):
            switch op {
            case .add: return x.adding(y).map(Value.money)
            case .sub: return x.subtracting(y).map(Value.money)
            case .mul: return x.multiplied(by: y).map(Value.money)
            default: return y.cents == 0 ? .null : x.ratio(to: y).map(Value.number) ?? .null
            }
        case let (.money(x), .number(y)):
            switch op {
            case .add, .sub:
                guard let ym = Money(y) else { return y.isFinite ? nil : .null }
                return (op == .add ? x.adding(ym) : x.subtracting(ym)).map(Value.money)
            case .mul: return y.isFinite ? x.multiplied(by: y).map(Value.money) : .null
            default: return y == 0 || !y.isFinite ? .null : x.divided(by: y).map(Value.money)
            }
        case let (.number(x), .money(y)):
            switch op {
            case .add, .sub:
                guard let xm = Money(x) else { return x.isFinite ? nil : .null }
                return (op == .add ? xm.adding(y) : xm.subtracting(y)).map(Value.money)
            case .mul: return x.isFinite ? y.multiplied(by: x).map(Value.money) : .null
            default: return y.cents == 0 ? .null : .number(x / y.double)
            }
        case let (.date(x), .money(y)) where op == .add || op == .sub:
            return checkedArithmetic(op, .date(x), .number(y.double))
        case let (.text(x), .text(y)) where op == .add: return .text(x + y)
        case let (.number(x), .number(y)):
            switch op {
            case .add: return .number(x + y)
            case .sub: return .number(x - y)
            case .mul: return .number(x * y)
            default: return y == 0 ? .null : .number(x / y)
            }
        case let (.date(x), .date(y)) where op == .sub: return .number(Double(x - y))
        case let (.date(x), .number(y)) where op == .add || op == .sub:
            guard y.isFinite, abs(y) < 3_000_000 else { return .null }
            return .date(op == .add ? x + Int32(y) : x - Int32(y))
        case let (.number(x), .date(y)) where op == .add:
            guard x.isFinite, abs(x) < 3_000_000 else { return .null }
            return .date(y + Int32(x))
        default: return .null
        }
    }
}
