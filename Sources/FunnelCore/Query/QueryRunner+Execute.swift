/// The one row loop of the grouped reports: scan, the report's own read test, the `where`,
/// grouping, the kernel's accumulate; then finish, merge, the `where` on result rows, order,
/// limit and total (GroupedTable).
extension QueryRunner {
    func execute<K: GroupedKernel>(_ kernel: K, _ plan: QueryPlan) throws -> ResultTable {
        let count = ctx.state.deals.count
        let indexer = GroupIndexer(plan.dimensions)
        var accs: [K.Acc] = []
        for _ in 0..<kernel.seed(indexer, plan: plan) { accs.append(kernel.makeAccumulator()) }
        let keep = plan.dealFilter, window = plan.window
        for r in 0..<count {
            try Cancellation.checkpoint(r)
            if !kernel.includes(r, window: window) { continue }
            if let keep, !keep(r) { continue }
            let g = indexer.group(of: r)
            if g == accs.count { accs.append(kernel.makeAccumulator()) }
            kernel.add(r, to: &accs[g])
        }
        indexer.ensureSingleGroup()
        while accs.count < indexer.keys.count { accs.append(kernel.makeAccumulator()) }
        return try GroupedTable(indexer: indexer, metricColumns: kernel.columns, finish: kernel.finish, merge: kernel.merge,
                                wantsTotal: true)
            .build(accs, query: plan.query, groupFilter: plan.checked.groupFilter, file: file)
    }
}
