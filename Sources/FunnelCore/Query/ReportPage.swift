/// `report [FUNNEL] [where C] [during W] [as of D] to "pipeline.html"`: the sections of the
/// pipeline report, each the result of one query run by the code that runs it at the prompt —
/// the page only lays them out. Each section keeps the text of its query, so a reader (and a
/// test) can run it and get the same figures.
public struct ReportPage: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var heading: String
        /// What the section's figures mean, in a sentence.
        public var explanation: String
        /// The query that prints this section's table.
        public var query: String
        public var table: ResultTable
        public var chart: Chart?
    }

    public var title: String
    /// The day the figures are for, and what the page is about.
    public var subtitle: String
    public var sections: [Section]

    /// The queries of the page, run on one state: the `as of` day's when there is one.
    static func build(_ view: FunnelView, runner: QueryRunner, file: SourceFile) throws -> ReportPage {
        var runner = runner
        let c = view.clauses
        if let a = c.asOf {
            let day = try runner.asOfDate(a)
            let past = try runner.ctx.state.asOf(day)
            runner = QueryRunner(context: EvalContext(state: past, today: day), file: file)
            runner.asOfDay = day
        }
        var inner = view
        inner.clauses.asOf = nil
        let catalog = runner.ctx.state.catalog
        let words = Words(view: view, file: file)

        func run(_ verb: QueryVerb, groups: [String] = [], during: Bool = true) throws -> ResultTable {
            var q = Charts.conversionQuery(inner, catalog: catalog)
            q.verb = verb
            q.groups = groups.map { Expr(.name($0), SourceRange(0, 0)) }
            if !during { q.during = nil }
            return try runner.run(q)
        }

        var sections: [Section] = []
        let funnel = try Charts.funnel(inner, runner: runner, file: file)
        sections.append(Section(
            heading: "Funnel", explanation: "Deals that reached each stage (a deal that skipped a stage has passed it), the amount "
                + "they carry, and the share that went on to the next stage.",
            query: words.chartFunnel, table: funnel.table, chart: funnel))

        let teams = try run(.forecast, groups: ["team"])
        let hasTeam = teams.rows.contains { $0.first != .null }
        let forecastTable = hasTeam ? teams : try run(.forecast)
        let forecastChart = Charts.forecast(forecastTable, title: "forecast" + (hasTeam ? " by team" : ""))
        sections.append(Section(
            heading: hasTeam ? "Forecast by team" : "Forecast",
            explanation: "Open deals closing in the window and deals won in it: closed, commit, best case (which includes "
                + "commit) and the whole open amount; forecast = closed + weighted.",
            query: words.query(hasTeam ? "forecast by team" : "forecast"), table: forecastTable, chart: forecastChart))

        let conversion = try run(.conversion)
        sections.append(Section(
            heading: "Conversion", explanation: "The cohort of deals created in the window: reached, the share that went on "
                + "(next_rate), the share of the cohort (cumulative_rate), lost from the stage, open in it now.",
            query: words.query("conversion"), table: conversion, chart: nil))

        let time = try run(.timeInStage)
        sections.append(Section(
            heading: "Time in stage", explanation: "Days spent in each stage by the deals that left it (visits that ended in "
                + "the window): average and median; current deals and their average days so far.",
            query: words.query("time in stage"), table: time, chart: Charts.timeInStage(time, title: "time in stage")))

        let bottlenecks = try run(.bottlenecks)
        sections.append(Section(
            heading: "Bottlenecks", explanation: "Open stages, the lowest next_rate first, ties by the longest average days; "
                + "the stale deals in each.",
            query: words.query("bottlenecks"), table: bottlenecks, chart: nil))

        if let changes = try waterfall(view, runner: runner, words: words, file: file,
                                       run: { verb, during in try run(verb, during: during) }) {
            sections.append(changes)
        }

        let stale = try run(.stale, during: false)
        sections.append(Section(
            heading: "Stale deals", explanation: "Open deals past their stage's stale after, the longest stuck first, with "
                + "their owners.",
            query: words.query("stale", during: false), table: stale, chart: nil))

        let day = runner.ctx.today
        var about = [(c.asOf != nil ? "as of " : "today ") + Calendar.format(day)]
        if let d = c.during { about.append("during " + file.text(d.range)) }
        if let f = c.filter { about.append("where " + file.text(f.range)) }
        return ReportPage(title: "Pipeline report" + (view.funnel.map { ": " + $0.text } ?? ""),
                          subtitle: about.joined(separator: " · "), sections: sections)
    }

    /// The waterfall since the start of the window: `changes during W` (whose `during` also
    /// keeps the deals closing in W, as the forecast's does); without a window, the quarter so
    /// far, `changes since` its first day. A window that starts after the report's day has
    /// no changes yet, and no section.
    static func waterfall(_ view: FunnelView, runner: QueryRunner, words: Words, file: SourceFile,
                          run: (QueryVerb, Bool) throws -> ResultTable) throws -> Section? {
        let today = runner.ctx.today
        let verb: QueryVerb, text: String, explanation: String
        if let w = view.clauses.during {
            let (start, _) = try WindowRange.resolve(w, today: today, file: file)
            guard start <= today else { return nil }
            verb = .changes(since: nil)
            text = "changes"
            explanation = "How the open pipeline of deals closing in the window changed, from the day before the window "
                + "began to its end (today at the latest): the opening pipeline, each movement in (+) and out (−), the closing one."
        } else {
            let start = Calendar.startOfQuarter(today)
            verb = .changes(since: Expr(.date(start), SourceRange(0, 0)))
            text = "changes since " + Calendar.format(start)
            explanation = "How the open pipeline changed this quarter so far, since \(Calendar.format(start)): the opening "
                + "pipeline, each movement in (+) and out (−), the closing one."
        }
        let table = try run(verb, true)
        var q = Query(verb: verb, range: SourceRange(0, 0))
        q.during = view.clauses.during
        let title = text + (view.clauses.during.map { " during " + file.text($0.range) } ?? "")
        let chart = try Charts.waterfall(table, q: q, title: title, file: file)
        return Section(heading: "Pipeline changes", explanation: explanation + " Movements with no deal are not drawn.",
                       query: words.query(text), table: table, chart: chart)
    }

    /// The clauses of the view as query text, for the query line of each section.
    struct Words {
        let funnel: String?
        let filter: String?
        let during: String?
        let asOf: String?

        init(view: FunnelView, file: SourceFile) {
            funnel = view.funnel?.text
            filter = view.clauses.filter.map { file.text($0.range) }
            during = view.clauses.during.map { file.text($0.range) }
            asOf = view.clauses.asOf.map { file.text($0.range) }
        }

        var chartFunnel: String {
            var parts = ["chart funnel"]
            if let funnel { parts.append(Self.name(funnel)) }
            if let filter { parts.append("where " + filter) }
            if let during { parts.append("during " + during) }
            if let asOf { parts.append("as of " + asOf) }
            return parts.joined(separator: " ")
        }

        func query(_ verb: String, during withWindow: Bool = true) -> String {
            var parts = [verb]
            switch (funnel, filter) {
            case let (f?, c?): parts.append("where funnel = \(Self.quoted(f)) and (\(c))")
            case let (f?, nil): parts.append("where funnel = \(Self.quoted(f))")
            case let (nil, c?): parts.append("where " + c)
            case (nil, nil): break
            }
            if withWindow, let during { parts.append("during " + during) }
            if let asOf { parts.append("as of " + asOf) }
            return parts.joined(separator: " ")
        }

        static func quoted(_ s: String) -> String { "\"" + s.replacing("\"", with: "\\\"") + "\"" }

        /// A funnel name as it can be written back: bare when it is a plain word.
        static func name(_ s: String) -> String {
            let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }
            return plain ? s : quoted(s)
        }
    }
}
