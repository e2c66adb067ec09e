/// Assigns deals to groups and turns per-group accumulators into a result table: default
/// order by the group keys, then the `where` on result columns, `order by`, `limit`, and a
/// total row merged from the accumulators of the groups shown (so the total is what the
/// rows add up to, and ratios in it are computed, not summed).
final class GroupIndexer {
    let dims: [Grouping.Dimension]
    // Keys and their groups in one value, so the row loop makes one access a row. Touched
    // only by the one loop that owns the indexer: the exclusivity check the compiler puts
    // on a class's stored property would cost more than the lookup.
    @exclusivity(unchecked) private var index = GroupKeyTable()
    var keys: [Grouping.Key] { index.keys }
    /// With one `by`, the group of each small key (a pool code or a stage slot, -1 for none)
    /// by key + 1, -1 until the key is met: an array read instead of a hash lookup.
    @exclusivity(unchecked) private var smallKeys: [Int32]
    private let single: ((Int) -> Int64)?
    static let smallKeyLimit: Int64 = 4095

    init(_ dims: [Grouping.Dimension]) {
        self.dims = dims
        single = dims.count == 1 ? dims[0].key : nil
        smallKeys = dims.count == 1 ? Array(repeating: -1, count: Int(Self.smallKeyLimit) + 1) : []
    }

    /// The key of the one `by`, nil with none or several: a row loop takes it once and
    /// gives each row's key to `group(ofSingleKey:)`.
    var singleKey: ((Int) -> Int64)? { single }

    func group(of r: Int) -> Int {
        if let single { return group(ofSingleKey: single(r)) }
        var k = Grouping.Key()
        for (i, d) in dims.enumerated() { k[i] = d.key(r) }
        return index.group(of: k)
    }

    /// The group of key `v` of the one `by`.
    @inline(__always) func group(ofSingleKey v: Int64) -> Int {
        var k = Grouping.Key()
        if v >= -1 && v < Self.smallKeyLimit {
            let g = smallKeys[Int(v + 1)]
            if g >= 0 { return Int(g) }
            k.a = v
            let new = index.group(of: k)
            smallKeys[Int(v + 1)] = Int32(truncatingIfNeeded: new)
            return new
        }
        k.a = v
        return index.group(of: k)
    }

    /// Adds a group before any deal arrives, so it shows even when empty.
    @discardableResult
    func seed(_ k: Grouping.Key) -> Int {
        index.group(of: k)
    }

    /// Makes sure a no-`by` query still has its one (possibly empty) group.
    func ensureSingleGroup() { if dims.isEmpty, keys.isEmpty { _ = index.group(of: Grouping.Key()) } }
}

struct GroupedTable<Acc> {
    let indexer: GroupIndexer
    let metricColumns: [ResultColumn]
    let finish: (Acc) throws -> [Value]
    let merge: ([Acc]) -> Acc
    /// Whether a total row means something for this report.
    let wantsTotal: Bool
    /// A report's own default order among the rows that share every key but the last
    /// (bottlenecks ranks stages by their figures, stale lists the longest stuck first):
    /// true or false when it decides, nil to fall back to the last key's order.
    var rankLastKey: ((Acc, Acc) -> Bool?)? = nil

    func build(_ accs: [Acc], query q: Query, groupFilter: Expr?, file: SourceFile) throws -> ResultTable {
        let dims = indexer.dims
        let columns = dims.map { ResultColumn($0.name, $0.kind) } + metricColumns
        var order = Array(accs.indices)
        // Default order: by each key's rank, in `by` order.
        order.sort { x, y in
            for (i, d) in dims.enumerated() {
                if i == dims.count - 1, let rank = rankLastKey, let decided = rank(accs[x], accs[y]) { return decided }
                let kx = indexer.keys[x][i], ky = indexer.keys[y][i]
                if kx == ky { continue }
                let rx = d.rank(kx), ry = d.rank(ky)
                if rx != ry { return rx < ry }
                let vx = d.decode(kx), vy = d.decode(ky)
                if vx != vy { return Grouping.compareValues(vx, vy) }
            }
            return x < y
        }
        var rows: [(acc: Int, values: [Value])] = try order.map { g in
            (g, dims.enumerated().map { i, d in d.decode(indexer.keys[g][i]) } + (try finish(accs[g])))
        }
        let names = columns.map(\.name)
        if let f = groupFilter {
            rows = try rows.filter { try ResultRowEvaluator.test(f, row: $0.values, columns: names, file: file) }
        }
        if !q.order.isEmpty {
            let terms = try q.order.map { term -> (Int, Bool) in
                let text = file.text(term.expr.range)
                guard let i = names.firstIndex(of: text) else {
                    throw Diagnostic(.name, "E206", "cannot order by '\(text)'", file: file, range: term.expr.range,
                                     help: "order by a result column: " + names.joined(separator: ", "))
                }
                return (i, term.descending)
            }
            rows = stableSorted(rows) { a, b in
                for (i, desc) in terms {
                    let x = a.values[i], y = b.values[i]
                    if x == y { continue }
                    if x.isNull { return false }
                    if y.isNull { return true }
                    return desc ? ExprCompiler.compare(.gt, x, y) : ExprCompiler.compare(.lt, x, y)
                }
                return false
            }
        }
        if let limit = q.limit { rows = Array(rows.prefix(limit)) }
        var total: [Value]?
        // No rows, nothing to add up: a total of zeros and dashes under nothing is noise.
        if wantsTotal, !dims.isEmpty, !rows.isEmpty {
            let merged = merge(rows.map { accs[$0.acc] })
            total = [.text("total")] + Array(repeating: Value.text(""), count: dims.count - 1) + (try finish(merged))
        }
        var table = ResultTable(columns: columns, rows: rows.map(\.values), total: total)
        if let shown = q.columns { table = Self.project(table, groups: dims.count, shown: shown) }
        return table
    }

    /// `show` in a grouped query keeps the groups and the named result columns, in order.
    static func project(_ t: ResultTable, groups: Int, shown: [Expr]) -> ResultTable {
        var keep = Array(0..<groups)
        for e in shown {
            if case .name(let n) = e.kind, let i = t.columns.firstIndex(where: { $0.name == n }), !keep.contains(i) { keep.append(i) }
        }
        return ResultTable(columns: keep.map { t.columns[$0] }, rows: t.rows.map { r in keep.map { r[$0] } },
                           total: t.total.map { r in keep.map { r[$0] } })
    }
}

func stableSorted<T>(_ xs: [T], by less: (T, T) -> Bool) -> [T] {
    xs.enumerated().sorted { a, b in
        if less(a.element, b.element) { return true }
        if less(b.element, a.element) { return false }
        return a.offset < b.offset
    }.map(\.element)
}

/// Evaluates a `where` on result columns against one result row.
enum ResultRowEvaluator {
    static func test(_ e: Expr, row: [Value], columns: [String], file: SourceFile) throws -> Bool {
        try eval(e, row, columns, file) == .bool(true)
    }

    static func eval(_ e: Expr, _ row: [Value], _ columns: [String], _ file: SourceFile) throws -> Value {
        switch e.kind {
        case .number(let n), .percent(let n): return .number(n)
        case .amount(let m): return .money(m)
        case .string(let s): return .text(s)
        case .bool(let b): return .bool(b)
        case .empty: return .null
        case .date(let d): return .date(d)
        case .name(let n):
            guard let i = columns.firstIndex(of: n) else {
                throw Diagnostic(.name, "E206", "unknown result column '\(n)'", file: file, range: e.range)
            }
            return row[i]
        case .not(let x): return .bool(try eval(x, row, columns, file) != .bool(true))
        case .negate(let x):
            let v = try eval(x, row, columns, file)
            if case .money(let m) = v { return .money(m.negated) }
            return v.number.map { .number(-$0) } ?? .null
        case .isEmpty(let x, let negated): return .bool(ExprCompiler.isEmptyValue(try eval(x, row, columns, file)) != negated)
        case let .binary(op, l, r):
            let a = try eval(l, row, columns, file)
            let b = try eval(r, row, columns, file)
            if op == .and { return .bool(a == .bool(true) && b == .bool(true)) }
            if op == .or { return .bool(a == .bool(true) || b == .bool(true)) }
            switch op {
            case .add, .sub, .mul, .div: return ExprCompiler.arithmetic(op, a, b)
            default: return .bool(ExprCompiler.compare(op, a, b))
            }
        case let .inList(x, items, negated):
            let a = try eval(x, row, columns, file)
            let found = try items.contains { ExprCompiler.equal(a, try eval($0, row, columns, file)) }
            return .bool(!a.isNull && found != negated)
        default:
            throw Diagnostic(.type, "E313", "this condition cannot filter result rows", file: file, range: e.range)
        }
    }
}
