/// `count deals`, `sum|avg|min|max EXPR`, grouped or not. Every deal the `where` keeps
/// counts, open or closed; `during` keeps deals created in the window. sum, avg, min and max
/// ignore deals whose value is empty.
struct AggregateReport: GroupedKernel {
    let deals: DealTable
    let function: String
    let value: ExprCompiler.Eval?
    let columns: [ResultColumn]

    init(_ runner: QueryRunner, verb: QueryVerb) throws {
        deals = runner.ctx.state.deals
        if case .aggregate(let f, let e) = verb {
            function = f
            value = try runner.compiler.compile(e)
            // The figure has the kind of what it adds up: money stays money, a rate a rate.
            let kind = ColumnKinds.kind(of: e, catalog: runner.ctx.state.catalog)
            columns = [ResultColumn(f, kind == .money ? .money : kind == .rate ? .rate : .number)]
        } else {
            function = "count"
            value = nil
            columns = verb.spec.columns
        }
    }

    struct Acc { var count = 0; var sum = 0.0; var min = Double.infinity; var max = -Double.infinity; var valued = 0 }

    var scan: String { "every deal; during keeps those created in the window" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        guard let (lo, hi) = window else { return true }
        let c = deals.created[r]
        return c >= lo && c < hi
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        a.count += 1
        if let value, let x = value(r).number {
            a.valued += 1; a.sum += x
            a.min = Swift.min(a.min, x); a.max = Swift.max(a.max, x)
        }
    }

    func finish(_ a: Acc) -> [Value] {
        switch function {
        case "count": return [.number(Double(a.count))]
        case "sum": return [.number(a.sum)]
        case "avg": return [a.valued == 0 ? .null : .number(a.sum / Double(a.valued))]
        case "min": return [a.valued == 0 ? .null : .number(a.min)]
        default: return [a.valued == 0 ? .null : .number(a.max)]
        }
    }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in
            t.count += a.count; t.sum += a.sum; t.valued += a.valued
            t.min = Swift.min(t.min, a.min); t.max = Swift.max(t.max, a.max)
        }
    }
}
