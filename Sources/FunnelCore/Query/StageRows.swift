/// The rows of a report with one row per stage (conversion, time in stage, calibration,
/// bottlenecks): every open stage of every funnel — and each won stage, for conversion —
/// one row per distinct name, in funnel order. Deals of several funnels that share stage
/// names share rows; each deal is placed by its own funnel's positions.
struct StageRows {
    /// One row stage of one funnel.
    struct Step {
        let row: Int
        let code: Int32
        let position: Int
        let probability: Double
        let isWon: Bool
    }

    private(set) var names: [String] = []
    private(set) var codes: [Int32] = []
    /// The mean stated probability of each row's stage over the funnels that have it.
    private(set) var meanProbability: [Double] = []
    /// Each funnel's row stages in order, by the pool code of the funnel's name.
    private(set) var steps: [Int32: [Step]] = [:]
    private var rowOfCode: [Int32: Int] = [:]
    private var rowOfFunnelStage = FunnelStageTable()

    init(_ state: FunnelState, includeWon: Bool) {
        var probabilitySums: [Double] = [], probabilityCounts: [Int] = []
        for name in state.catalog.funnelOrder {
            guard let f = state.catalog.funnels[name], let fc = state.pool.code(of: name) else { continue }
            var list: [Step] = []
            for s in f.stages where s.kind == .open || (includeWon && s.kind == .won) {
                guard let code = state.pool.code(of: s.name), let position = s.position else { continue }
                let row: Int
                if let known = rowOfCode[code] { row = known } else {
                    row = names.count
                    names.append(s.name); codes.append(code)
                    probabilitySums.append(0); probabilityCounts.append(0)
                    rowOfCode[code] = row
                }
                probabilitySums[row] += s.probability
                probabilityCounts[row] += 1
                rowOfFunnelStage.set(funnel: fc, stage: code, Int32(row))
                list.append(Step(row: row, code: code, position: position, probability: s.probability, isWon: s.kind == .won))
            }
            steps[fc] = list
        }
        meanProbability = zip(probabilitySums, probabilityCounts).map { $1 == 0 ? 0 : $0 / Double($1) }
    }

    var count: Int { names.count }

    /// The row of a stage of a funnel, when that stage is one of the funnel's row stages.
    func row(funnel: Int32, stage: Int32) -> Int? { rowOfFunnelStage.value(funnel: funnel, stage: stage).map(Int.init) }

    func row(ofCode code: Int32) -> Int? { rowOfCode[code] }
}

/// Groups a stage-row report: each deal's `by` groups, then one cell per stage row of the
/// deal's funnel. A group's cells are made the first time a deal of a funnel arrives in
/// it, so every stage of that funnel shows in the group even when nothing reached it.
final class StageGrouping {
    let rows: StageRows
    /// The `by` groups alone.
    let base: GroupIndexer
    /// The `by` groups and the stage: the keys of the result rows.
    let indexer: GroupIndexer
    private let funnelOfRow: Column<Int32>
    private var cells: [[Int]] = []
    private var seeded = Set<Int64>()
    private let state: FunnelState

    init(runner: QueryRunner, groups: [Expr], includeWon: Bool) throws {
        state = runner.ctx.state
        let rows = StageRows(state, includeWon: includeWon)
        self.rows = rows
        // `by stage` is what these reports do anyway: the stage column is always there.
        let byGroups = groups.filter { if case .name("stage") = $0.kind { return false }; return true }
        // The resolver refuses more groups (E213); a query funnel builds itself never has them.
        if byGroups.count >= Grouping.maxKeys {
            throw Diagnostic(.name, "E213", "at most \(Grouping.maxKeys - 1) groups in by here, since the stage column takes a place", file: runner.file,
                             range: byGroups[Grouping.maxKeys - 1].range)
        }
        let dims = try runner.dimensions(byGroups)
        base = GroupIndexer(dims)
        let pool = state.pool
        let stageDim = Grouping.Dimension(
            name: "stage", kind: .text, key: { _ in 0 },
            decode: { .text(pool[Int32($0)]) },
            rank: { code in (rows.row(ofCode: Int32(code)) ?? Int.max, "") })
        indexer = GroupIndexer(dims + [stageDim])
        funnelOfRow = state.deals.funnel
    }

    var cellCount: Int { indexer.keys.count }

    /// Deal `r`'s base group, with the cells of its funnel's stages made.
    func prepare(_ r: Int) -> Int {
        let g = base.group(of: r)
        seed(group: g, funnel: funnelOfRow[r])
        return g
    }

    /// The result cell of base group `g` and stage row `row`; -1 when that group has no deal
    /// of a funnel with the stage.
    func cell(_ g: Int, _ row: Int) -> Int { cells[g][row] }

    /// With no `by` and no deal, the single group still shows every stage of every funnel.
    func seedWhenEmpty() {
        guard base.dims.isEmpty, base.keys.isEmpty else { return }
        let g = base.group(of: 0)
        for name in state.catalog.funnelOrder {
            if let fc = state.pool.code(of: name) { seed(group: g, funnel: fc) }
        }
    }

    private func seed(group g: Int, funnel f: Int32) {
        while cells.count <= g { cells.append([Int](repeating: -1, count: rows.count)) }
        guard seeded.insert(Int64(g) << 32 | Int64(UInt32(bitPattern: f))).inserted else { return }
        let last = base.dims.count
        for step in rows.steps[f] ?? [] where cells[g][step.row] < 0 {
            var k = base.keys[g]
            k[last] = Int64(step.code)
            cells[g][step.row] = indexer.seed(k)
        }
    }

    /// Grows a report's accumulators to one per cell.
    func grow<A>(_ accs: inout [A], _ make: () -> A) {
        while accs.count < cellCount { accs.append(make()) }
    }
}
