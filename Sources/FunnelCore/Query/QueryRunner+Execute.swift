/// The one row loop of the grouped reports: scan, the report's own read test, the `where`,
/// grouping, the kernel's accumulate; then finish, merge, the `where` on result rows, order,
/// limit and total (GroupedTable).
extension QueryRunner {
    func execute<K: GroupedKernel>(_ kernel: K, _ plan: QueryPlan) throws -> ResultTable {
        let count = ctx.state.deals.count
        let indexer = GroupIndexer(plan.dimensions)
        var accs: [K.Acc] = []
        for _ in 0..<kernel.seed(indexer, plan: plan) { accs.append(kernel.makeAccumulator()) }
        // The filter and the key unwrapped once, outside the loop: a closure unwrapped or
        // read from the indexer for each row costs a retain and a release of its context.
        let keep = plan.dealFilter ?? Self.everyRow, window = plan.window
        let oneKey = indexer.singleKey != nil, key = indexer.singleKey ?? Self.noKey
        for r in 0..<count {
            try Cancellation.checkpoint(r)
            if !kernel.includes(r, window: window) { continue }
            if !keep(r) { continue }
            let g = oneKey ? indexer.group(ofSingleKey: key(r)) : indexer.group(of: r)
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

    static let everyRow: @Sendable (Int) -> Bool = { _ in true }
    static let noKey: @Sendable (Int) -> Int64 = { _ in 0 }

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

/// The arithmetic of a report with one row per stage (conversion, time in stage,
/// calibration, bottlenecks): everything else (the scan, the `where`, removed deals, the
/// groups and their stage cells) is the executor's. `add` is handed a deal the `where`
/// keeps, already placed in its base group, whose funnel's stage cells exist; the kernel
/// decides what of it counts (the `during` window means something different to each).
protocol StageRowKernel {
    associatedtype Acc
    func makeAccumulator() -> Acc
    mutating func add(_ r: Int, group g: Int, window: (Int32, Int32)?, to accs: inout [Acc])
    /// The result rows from one accumulator per cell (`StageGrouping.cell`).
    func finish(_ accs: [Acc], plan: QueryPlan) throws -> ResultTable
}

extension QueryRunner {
    /// The one row loop of the stage-row reports. `includeWon`: won stages are rows too
    /// (conversion). `make` builds the kernel once the stage rows are known.
    func execute<K: StageRowKernel>(stageRows plan: QueryPlan, includeWon: Bool,
                                    _ make: (StageGrouping) -> K) throws -> ResultTable {
        let deals = ctx.state.deals
        let grouping = try StageGrouping(runner: self, groups: plan.query.groups, includeWon: includeWon)
        var kernel = make(grouping)
        let keep = plan.dealFilter, window = plan.window
        var accs: [K.Acc] = []
        for r in 0..<deals.count {
            try Cancellation.checkpoint(r)
            if let keep, !keep(r) { continue }
            if deals.status[r] == .removed { continue }  // removed from the CRM: in no report
            let g = grouping.prepare(r)
            grouping.grow(&accs) { kernel.makeAccumulator() }
            kernel.add(r, group: g, window: window, to: &accs)
        }
        grouping.seedWhenEmpty()
        grouping.grow(&accs) { kernel.makeAccumulator() }
        return try kernel.finish(accs, plan: plan)
    }
}
