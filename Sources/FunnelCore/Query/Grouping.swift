/// Groups deals on up to four `by` expressions using integer keys: dictionary codes for
/// text fields, stage-name codes for stages, bucket start days for date buckets. Only
/// other expressions fall back to interning their values.
struct Grouping {
    static let maxKeys = QuerySpec.groupSlots

    struct Key: Hashable {
        var a: Int64 = 0, b: Int64 = 0, c: Int64 = 0, d: Int64 = 0
        subscript(i: Int) -> Int64 {
            get { i == 0 ? a : i == 1 ? b : i == 2 ? c : d }
            set { switch i { case 0: a = newValue; case 1: b = newValue; case 2: c = newValue; default: d = newValue } }
        }
    }

    /// One `by` expression: a key per deal, the value a key stands for, and a sort rank.
    final class Dimension {
        let name: String
        let kind: ColumnKind
        let key: (Int) -> Int64
        let decode: (Int64) -> Value
        let rank: (Int64) -> (Int, String)
        /// `week`, `month`, `quarter` or `year` for a date bucket, whose keys are first days.
        var period: String?
        init(name: String, kind: ColumnKind, key: @escaping (Int) -> Int64, decode: @escaping (Int64) -> Value,
             rank: @escaping (Int64) -> (Int, String)) {
            self.name = name; self.kind = kind; self.key = key; self.decode = decode; self.rank = rank
        }
    }

    static let emptyKey: Int64 = -1

    static func dimension(_ e: Expr, ctx: EvalContext, compiler: ExprCompiler, file: SourceFile) throws -> Dimension {
        // A default grouping made by the planner has no source text; it is named by its field.
        var name = file.text(e.range)
        if e.range.start == e.range.end, case .name(let n) = e.kind { name = n }
        let state = ctx.state
        let pool = state.pool
        // Text fields: the dictionary code is the key.
        if case .name(let n) = e.kind, let column = compiler.textColumn(n) {
            return Dimension(name: name, kind: .text, key: { Int64(column[$0]) },
                             decode: { $0 == emptyKey ? .null : .text(pool[Int32($0)]) },
                             rank: { $0 == emptyKey ? (1, "") : (0, pool[Int32($0)]) })
        }
        // Stages: funnel order, then position, across every funnel.
        if case .name("stage") = e.kind {
            var rankOf: [Int32: Int] = [:]
            var next = 0
            for f in state.catalog.funnelOrder {
                for s in state.catalog.funnels[f]?.stages ?? [] {
                    if let code = pool.code(of: s.name), rankOf[code] == nil { rankOf[code] = next; next += 1 }
                }
            }
            let slotStage = state.slots.stage, dealSlots = state.deals.stageSlot
            return Dimension(name: name, kind: .text, key: { Int64(slotStage[Int(dealSlots[$0])]) },
                             decode: { .text(pool[Int32($0)]) },
                             rank: { (rankOf[Int32($0)] ?? Int.max, pool[Int32($0)]) })
        }
        // Date buckets: the bucket's first day is the key.
        if case .member(let base, let part) = e.kind {
            let v = try compiler.compile(base)
            let p = part.text.lowercased()
            let bucket = Dimension(name: name, kind: p == "week" ? .date : .text,
                             key: { r in
                                 guard let d = v(r).date else { return emptyKey }
                                 switch p {
                                 case "week": return Int64(Calendar.startOfWeek(d))
                                 case "month": return Int64(Calendar.startOfMonth(d))
                                 case "quarter": return Int64(Calendar.startOfQuarter(d))
                                 default: return Int64(Calendar.startOfYear(d))
                                 }
                             },
                             decode: { $0 == emptyKey ? .null : DateBucket.value(of: Int32($0), part: p) },
                             rank: { $0 == emptyKey ? (Int.max, "") : (Int($0), "") })
            bucket.period = p
            return bucket
        }
        // Anything else: intern each distinct value.
        let v = try compiler.compile(e)
        let interner = ValueInterner()
        let kind = ColumnKinds.kind(of: e, catalog: state.catalog)
        return Dimension(name: name, kind: kind, key: { r in interner.code(v(r)) },
                         decode: { interner.values[Int($0)] },
                         rank: { _ in (0, "") })
    }

    /// Orders keys of a generic dimension by their values.
    static func compareValues(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return false
        case (.null, _): return false
        case (_, .null): return true
        default: return ExprCompiler.compare(.lt, a, b)
        }
    }
}

final class ValueInterner {
    var values: [Value] = []
    var codes: [Value: Int64] = [:]
    func code(_ v: Value) -> Int64 {
        if let c = codes[v] { return c }
        let c = Int64(values.count)
        values.append(v)
        codes[v] = c
        return c
    }
}

/// How a column of an expression is shown.
enum ColumnKinds {
    static func kind(of e: Expr, catalog: Catalog) -> ColumnKind {
        switch e.kind {
        case .name(let n):
            if let t = BuiltinFields.type(of: n) {
                switch t {
                case .money: return .money
                case .percent: return .rate
                case .date: return .date
                case .bool: return .bool
                case .number: return n == "days_in_stage" || n == "age" ? .integer : .number
                default: return .text
                }
            }
            switch catalog.fields[n]?.type {
            case .money?: return .money
            case .percent?: return .rate
            case .date?: return .date
            case .bool?: return .bool
            case .number?: return .number
            default: return .text
            }
        case .member(_, let part): return part.text.lowercased() == "week" ? .date : .text
        case .binary(let op, let l, let r):
            switch op {
            case .add, .sub, .mul, .div:
                let a = kind(of: l, catalog: catalog), b = kind(of: r, catalog: catalog)
                if a == .date && b == .date { return .integer }
                if a == .date || b == .date { return .date }
                return a == .money || b == .money ? .money : .number
            default: return .bool
            }
        case .number: return .number
        case .percent: return .rate
        case .date, .today: return .date
        case .bool, .not, .isEmpty, .inList, .tasksDone: return .bool
        default: return .text
        }
    }
}
