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
        if keepEmptyPeriods { seedEmptyPeriods(indexer) }
        while accs.count < indexer.keys.count { accs.append(kernel.makeAccumulator()) }
        return try GroupedTable(indexer: indexer, metricColumns: kernel.columns, finish: kernel.finish, merge: kernel.merge,
                                wantsTotal: true)
            .build(accs, query: plan.query, groupFilter: plan.checked.groupFilter, file: file)
    }

    /// The periods between the first and the last of a `by` on one date bucket that no deal
    /// fell in, as groups of their own.
    func seedEmptyPeriods(_ indexer: GroupIndexer) {
        guard indexer.dims.count == 1, let period = indexer.dims[0].period else { return }
        let starts = indexer.keys.map { $0[0] }.filter { $0 != Grouping.emptyKey }
        guard var day = starts.min().map(Int32.init), let last = starts.max().map(Int32.init) else { return }
        var missing: [Int32] = []
        while day < last {
            switch period {
            case "week": day += 7
            case "month": day = Calendar.addMonths(day, 1)
            case "quarter": day = Calendar.addMonths(day, 3)
            default: day = Calendar.addMonths(day, 12)
            }
            missing.append(day)
            // A chart of thousands of bars says nothing; past that the empty periods are left out.
            if missing.count > Self.maxFilledPeriods { return }
        }
        for d in missing {
            var k = Grouping.Key()
            k[0] = Int64(d)
            indexer.seed(k)
        }
    }

    static let maxFilledPeriods = 1_000
}
