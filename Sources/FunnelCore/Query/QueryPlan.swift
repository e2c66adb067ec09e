/// What a query will do, decided once before any row is read (as SQLite's where.c decides
/// and its VDBE does): the rows to scan, the compiled `where` on deals, the `during` window,
/// the `by` dimensions, the report's kernel, the `where` on result rows, the order, the
/// limit and the total. `QueryRunner` executes it; `.explain QUERY` prints it.
struct QueryPlan {
    let checked: CheckedQuery
    var query: Query { checked.query }
    var spec: QuerySpec { checked.spec }
    /// The deal conditions of the `where`, compiled once.
    let dealFilter: ExprCompiler.Predicate?
    /// The `during` window as a half-open day range.
    let window: (Int32, Int32)?
    /// The `by` groups (a report's default groups when it has some).
    let groups: [Expr]
    let dimensions: [Grouping.Dimension]

    /// Makes the plan for `checked` against the runner's state. A report with one row per
    /// stage adds the stage itself when it groups (StageGrouping).
    init(_ checked: CheckedQuery, runner: QueryRunner) throws {
        self.checked = checked
        let q = checked.query
        let spec = checked.spec
        dealFilter = spec.readsDeals ? try checked.dealFilter.map { try runner.compiler.predicate($0) } : nil
        window = try q.during.map { try WindowRange.resolve($0, today: runner.ctx.today, file: runner.file) }
        // A pipeline with no `by` lists its stages: `by stage` is its default.
        if q.groups.isEmpty, spec.kind == .pipeline {
            groups = [Expr(.name("stage"), SourceRange(0, 0))]
        } else {
            groups = q.groups
        }
        // Stage-row reports and stale add a dimension of their own (StageGrouping, the deal id);
        // records group on their own columns (RecordQueries).
        let ownGroups = spec.stageRows || spec.kind == .stale || spec.kind == .history || spec.kind == .changes
            || spec.kind == .dealChanges || !spec.readsDeals
        dimensions = ownGroups ? [] : try runner.dimensions(groups)
    }

    /// The plan as text, one step a line, for `.explain`.
    func explain(rows: Int, scan: String, asOf: Expr?, file: SourceFile) -> String {
        let q = query
        func text(_ e: Expr?) -> String { e.map { $0.range.start == $0.range.end ? Self.describe($0) : file.text($0.range) } ?? "none" }
        var lines: [String] = []
        lines.append("query    \(file.text(q.range))")
        lines.append("report   \(spec.name): " + (spec.columns.isEmpty ? "one row per \(spec.kind == .deals ? "deal" : "record")" : spec.columns.map(\.name).joined(separator: ", ")))
        if let a = asOf { lines.append("as of    \(text(a)): the state rebuilt as it stood that day, then the steps below") }
        lines.append("scan     \(rows) row\(rows == 1 ? "" : "s"): \(scan)")
        lines.append("where    \(text(checked.dealFilter))")
        lines.append("window   " + (window.map { "\(Calendar.format($0.0)) up to \(Calendar.format($0.1))" } ?? (q.during.map { _ in "resolved as the query runs" } ?? "none")))
        var by = groups.map { text($0) }
        if spec.stageRows { by = by.filter { $0 != "stage" } + ["stage (one row per stage)"] }
        lines.append("groups   " + (by.isEmpty ? "none" : by.joined(separator: ", ")))
        lines.append("having   \(text(checked.groupFilter))")
        lines.append("order    " + (q.order.isEmpty ? "the report's own" : q.order.map { text($0.expr) + ($0.descending ? " desc" : "") }.joined(separator: ", ")))
        lines.append("limit    " + (q.limit.map(String.init) ?? "none"))
        lines.append("show     " + (q.columns.map { $0.map { text($0) }.joined(separator: ", ") } ?? "every column"))
        return lines.joined(separator: "\n")
    }

    static func describe(_ e: Expr) -> String {
        if case .name(let n) = e.kind { return n }
        return "(built in)"
    }
}

/// The arithmetic of a report over deal rows, grouped: everything else (the scan, the
/// `where`, the window, the groups, the result rows) is the executor's. A kernel says which
/// deals it reads and how one deal adds to its group's accumulator; the executor runs the
/// one row loop. Seven reports share it (QueryRunner+Execute.swift).
protocol GroupedKernel {
    associatedtype Acc
    /// The deals the report reads at all, and how `during` cuts them, in words for `.explain`.
    var scan: String { get }
    /// Whether deal `r` is read, given the `during` window (nil when there is none).
    func includes(_ r: Int, window: (Int32, Int32)?) -> Bool
    func makeAccumulator() -> Acc
    func add(_ r: Int, to acc: inout Acc)
    /// Throws `MoneyOverflow` for a money figure outside the range.
    func finish(_ acc: Acc) throws -> [Value]
    func merge(_ accs: [Acc]) -> Acc
    /// The result columns after the groups (the spec's, unless the kernel knows better).
    var columns: [ResultColumn] { get }
    /// Groups to show even when no deal falls in them (pipeline's stages).
    func seed(_ indexer: GroupIndexer, plan: QueryPlan) -> Int
}

extension GroupedKernel {
    func seed(_ indexer: GroupIndexer, plan: QueryPlan) -> Int { 0 }
}
