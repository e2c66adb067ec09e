/// `order by` for queries that list records (deals, tasks, notifications, leads): each term
/// is evaluated once per row, then rows sort stably, empty values last in either direction.
enum RowOrder {
    static func sorted(_ rows: [Int], by terms: [OrderTerm], compiler: ExprCompiler) throws -> [Int] {
        guard !terms.isEmpty else { return rows }
        let keys = try terms.map { (try compiler.compile($0.expr), $0.descending) }
        let cached = rows.map { r in keys.map { $0.0(r) } }
        let order = stableSorted(Array(rows.indices)) { a, b in
            for (i, k) in keys.enumerated() {
                let x = cached[a][i], y = cached[b][i]
                if x == y { continue }
                if x.isNull { return false }
                if y.isNull { return true }
                return k.1 ? ExprCompiler.compare(.gt, x, y) : ExprCompiler.compare(.lt, x, y)
            }
            return false
        }
        return order.map { rows[$0] }
    }
}
