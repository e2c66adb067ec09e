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

    /// Amounts add up exactly in cents (`money`, `minMoney`, `maxMoney`); plain numbers as
    /// Doubles. A figure is money when every value it read was.
    struct Acc {
        var count = 0; var sum = 0.0; var min = Double.infinity; var max = -Double.infinity; var valued = 0
        var money = MoneySum(), minMoney: Money?, maxMoney: Money?, moneyValued = 0
    }

    var scan: String { "every deal; during keeps those created in the window" }

    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool {
        guard let (lo, hi) = window else { return true }
        let c = deals.created[r]
        return c >= lo && c < hi
    }

    func makeAccumulator() -> Acc { Acc() }

    func add(_ r: Int, to a: inout Acc) {
        a.count += 1
        guard let value else { return }
        let v = value(r)
        if case .money(let m) = v {
            a.moneyValued += 1; a.money.add(m)
            a.minMoney = a.minMoney.map { Swift.min($0, m) } ?? m
            a.maxMoney = a.maxMoney.map { Swift.max($0, m) } ?? m
        } else if let x = v.number {
            a.valued += 1; a.sum += x
            a.min = Swift.min(a.min, x); a.max = Swift.max(a.max, x)
        }
    }

    func finish(_ a: Acc) throws -> [Value] {
        if function == "count" { return [.number(Double(a.count))] }
        if a.valued == 0, a.moneyValued > 0 {
            switch function {
            case "sum": return [try a.money.figure()]
            case "avg": return [try a.money.average(count: a.moneyValued)]
            case "min": return [a.minMoney.map(Value.money) ?? .null]
            default: return [a.maxMoney.map(Value.money) ?? .null]
            }
        }
        // Plain numbers, or numbers and amounts mixed: as Doubles.
        let valued = a.valued + a.moneyValued
        let sum = a.sum + Double(a.money.cents) / 100
        let low = Swift.min(a.min, a.minMoney?.double ?? .infinity), high = Swift.max(a.max, a.maxMoney?.double ?? -.infinity)
        switch function {
        case "sum": return [.number(sum)]
        case "avg": return [valued == 0 ? .null : .number(sum / Double(valued))]
        case "min": return [valued == 0 ? .null : .number(low)]
        default: return [valued == 0 ? .null : .number(high)]
        }
    }

    func merge(_ accs: [Acc]) -> Acc {
        accs.reduce(into: Acc()) { t, a in
            t.count += a.count; t.sum += a.sum; t.valued += a.valued
            t.min = Swift.min(t.min, a.min); t.max = Swift.max(t.max, a.max)
            t.money.add(a.money); t.moneyValued += a.moneyValued
            if let m = a.minMoney { t.minMoney = t.minMoney.map { Swift.min($0, m) } ?? m }
            if let m = a.maxMoney { t.maxMoney = t.maxMoney.map { Swift.max($0, m) } ?? m }
        }
    }
}
