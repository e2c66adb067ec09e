/// Every query the language has, described once: the words that start it, what follows them,
/// its result columns, the clauses it refuses, the figure a chart of it shows and its line in
/// `.help queries`. The parser reads the words from here, the resolver the columns and
/// clauses, completion and help the words and usages, charts the headline; the kernel that
/// computes each report is chosen by `QueryRunner.run`, an exhaustive switch over
/// `QueryKind`. Adding a report: a case in `QueryKind`, an entry in `QuerySpec.all`, its
/// kernel file in Query/Reports/ and its line in `QueryRunner.run`.
public enum QueryKind: String, CaseIterable, Sendable {
    case deals, leads, tasks, notifications
    case countDeals, countLeads, sum, avg, min, max
    case pipeline, forecast, conversion, leadConversion, winRate, timeInStage, cycle, velocity, stale, calibration
    case bottlenecks, history, changes, dealChanges
    case attainment, attainmentRollup, forecastRollup, forecastAccuracy, forecastHistory
}

/// A clause of a query (`where`, `by`, ...), for the clauses a report refuses.
public enum QueryClause: String, Sendable { case filter = "where", by, order, limit, during, asOf = "as of", show, to }

public struct QuerySpec: Sendable {
    /// What the words are followed by before the clauses start.
    public enum Argument: Sendable, Equatable {
        case none
        /// `sum EXPR`.
        case expression
        /// `history of deal "D-1"`.
        case dealID
        /// `changes since 2026-03-01`: an optional `since DATE`.
        case since
        /// `forecast history for 华东`.
        case holder
    }

    /// A clause that means nothing for this report, refused before anything runs rather than
    /// silently ignored.
    public struct Refusal: Sendable {
        public let clause: QueryClause
        public let message: String
        public let help: String?
    }

    public let kind: QueryKind
    /// Every spelling, the canonical one first (`count deals`, then plain `count`).
    public let phrases: [[String]]
    public let argument: Argument
    /// The figures of an aggregate report, after its `by` groups (and `stage`, for a report
    /// with one row per stage); empty for the record lists, whose columns are chosen by `show`.
    public let columns: [ResultColumn]
    /// One row per stage: a `stage` column stands between the `by` groups and the figures.
    public let stageRows: Bool
    /// `show` cannot pick deal columns: the report's columns are fixed.
    public let fixedColumns: Bool
    public let refusals: [Refusal]
    /// The figure `chart QUERY` draws unless `show COLUMN` picks another.
    public let chartHeadline: String?
    /// The query as `.help queries` shows it.
    public let usage: String

    public var name: String { phrases[0].joined(separator: " ") }

    /// Places in a group key; a report with one row per stage keeps one for the stage, and
    /// stale one for the deal.
    public static let groupSlots = 4

    /// How many `by` groups the query takes (for a report with one row per stage, besides
    /// `stage` itself), and why no more, for the one message every check gives.
    public var maxGroups: Int { stageRows || kind == .stale ? Self.groupSlots - 1 : Self.groupSlots }

    public var groupLimitMessage: String {
        if stageRows { return "\(name) takes at most \(maxGroups) groups in by, since its stage column takes a place" }
        if kind == .stale { return "stale takes at most \(maxGroups) groups in by, since each deal takes a place" }
        return "at most \(maxGroups) groups in one by"
    }

    /// Whether the query reads deals (its `where` and `by` name deal fields) rather than
    /// tasks, notifications or leads.
    public var readsDeals: Bool {
        switch kind {
        case .tasks, .notifications, .leads, .countLeads, .leadConversion: return false
        default: return true
        }
    }

    public func refusal(_ clause: QueryClause) -> Refusal? { refusals.first { $0.clause == clause } }

    init(_ kind: QueryKind, _ phrases: [String]..., argument: Argument = .none, columns: [(String, ColumnKind)] = [],
         stageRows: Bool = false, fixedColumns: Bool = false, refusals: [Refusal] = [], chart: String? = nil, usage: String) {
        self.kind = kind
        self.phrases = phrases
        self.argument = argument
        self.columns = columns.map { ResultColumn($0.0, $0.1) }
        self.stageRows = stageRows
        self.fixedColumns = fixedColumns
        self.refusals = refusals
        self.chartHeadline = chart
        self.usage = usage
    }

    public static let all: [QuerySpec] = [
        QuerySpec(.deals, ["deals"], usage: "deals [where C] [order by E [asc|desc], ...] [limit N] [show E, ...]"),
        QuerySpec(.countDeals, ["count", "deals"], ["count"], columns: [("deals", .integer)], chart: "deals",
                  usage: "count deals [by ...]"),
        QuerySpec(.sum, ["sum"], argument: .expression, columns: [("sum", .money)], chart: "sum", usage: "sum EXPR [by ...]"),
        QuerySpec(.avg, ["avg"], argument: .expression, columns: [("avg", .number)], chart: "avg", usage: "avg EXPR [by ...]"),
        QuerySpec(.min, ["min"], argument: .expression, columns: [("min", .money)], chart: "min", usage: "min EXPR [by ...]"),
        QuerySpec(.max, ["max"], argument: .expression, columns: [("max", .money)], chart: "max", usage: "max EXPR [by ...]"),
        QuerySpec(.pipeline, ["pipeline"], columns: [("deals", .integer), ("amount", .money), ("weighted", .money)],
                  chart: "amount", usage: "pipeline [by ...] [during WINDOW]"),
        QuerySpec(.forecast, ["forecast"],
                  columns: [("deals", .integer), ("amount", .money), ("weighted", .money), ("commit", .money),
                            ("best_case", .money), ("closed", .money), ("forecast", .money)],
                  chart: "forecast", usage: "forecast [by ...] [during WINDOW]"),
        QuerySpec(.conversion, ["conversion"],
                  columns: [("reached", .integer), ("next_rate", .rate), ("cumulative_rate", .rate), ("lost", .integer),
                            ("open", .integer)],
                  stageRows: true, fixedColumns: true, chart: "reached", usage: "conversion [by ...] [during WINDOW]"),
        QuerySpec(.winRate, ["win", "rate"],
                  columns: [("won", .integer), ("lost", .integer), ("win_rate", .rate), ("won_amount", .money)],
                  fixedColumns: true, chart: "win_rate", usage: "win rate [by ...] [during WINDOW]"),
        QuerySpec(.timeInStage, ["time", "in", "stage"],
                  columns: [("exits", .integer), ("avg_days", .days), ("median_days", .days), ("current", .integer),
                            ("current_avg_days", .days)],
                  stageRows: true, fixedColumns: true, chart: "avg_days", usage: "time in stage [by ...] [during WINDOW]"),
        QuerySpec(.cycle, ["cycle"], columns: [("won", .integer), ("avg_days", .days), ("median_days", .days)],
                  fixedColumns: true, chart: "avg_days", usage: "cycle [by ...] [during WINDOW]"),
        QuerySpec(.velocity, ["velocity"],
                  columns: [("open_deals", .integer), ("avg_won_amount", .money), ("win_rate", .rate), ("avg_cycle_days", .days),
                            ("velocity", .money)],
                  fixedColumns: true, chart: "velocity", usage: "velocity [by ...] [during WINDOW]"),
        QuerySpec(.calibration, ["calibration"],
                  columns: [("stated", .rate), ("observed", .rate), ("closed", .integer), ("gap", .rate)],
                  stageRows: true, fixedColumns: true, usage: "calibration [by ...] [during WINDOW]"),
        QuerySpec(.bottlenecks, ["bottlenecks"],
                  columns: [("next_rate", .rate), ("avg_days", .days), ("stale_deals", .integer), ("stale_ids", .text)],
                  stageRows: true, fixedColumns: true, usage: "bottlenecks [by ...] [during WINDOW]"),
        QuerySpec(.stale, ["stale"],
                  columns: [("id", .text), ("name", .text), ("owner", .text), ("stage", .text), ("days_in_stage", .integer),
                            ("limit_days", .integer)],
                  fixedColumns: true,
                  refusals: [Refusal(clause: .during, message: "stale lists the deals stale today and takes no during",
                                     help: "for another day, write: stale as of 2026-03-31")],
                  usage: "stale [where C] [by ...]"),
        QuerySpec(.history, ["history", "of", "deal"], argument: .dealID,
                  columns: [("at", .date), ("field", .text), ("old", .text), ("new", .text), ("days_in_previous", .integer),
                            ("forced_reason", .text), ("recorded_by", .text)],
                  fixedColumns: true,
                  refusals: [Refusal(clause: .by, message: "history of deal lists one deal's changes and takes no by", help: nil)],
                  usage: "history of deal \"D-1\" [fields F, ...]"),
        QuerySpec(.changes, ["changes"], argument: .since,
                  columns: [("movement", .text), ("deals", .integer), ("amount", .money)],
                  fixedColumns: true,
                  refusals: [Refusal(clause: .order, message: "changes lists its movements in waterfall order and takes no order by",
                                     help: nil)],
                  chart: "amount", usage: "changes since DATE | changes during WINDOW [by ...]"),
        QuerySpec(.tasks, ["tasks"], usage: "tasks [where C] [order by ...] [limit N] [during W] [show ...]"),
        QuerySpec(.notifications, ["notifications"], usage: "notifications [where C] [order by ...] [limit N] [during W] [show ...]"),
        QuerySpec(.leads, ["leads"], usage: "leads [where C] [order by ...] [limit N] [during W] [show ...]"),
        QuerySpec(.countLeads, ["count", "leads"], columns: [("leads", .integer)], chart: "leads", usage: "count leads [by ...]"),
        QuerySpec(.leadConversion, ["conversion", "of", "leads"],
                  columns: [("leads", .integer), ("converted", .integer), ("rate", .rate), ("avg_days_to_deal", .days)],
                  chart: "rate", usage: "conversion of leads [by ...] [during W]"),
    ] + managerSpecs + historySpecs

    private static let byKind: [QueryKind: QuerySpec] = Dictionary(all.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })

    public static func of(_ kind: QueryKind) -> QuerySpec {
        // Every kind has an entry: a test checks it, and the fallback is never reached.
        byKind[kind] ?? all[0]
    }

    /// The spec whose longest phrase matches the words at the start of `words`, with the
    /// number of words it took.
    public static func match(_ words: [String]) -> (spec: QuerySpec, length: Int)? {
        var best: (QuerySpec, Int)?
        for spec in all {
            for phrase in spec.phrases where phrase.count <= words.count && Array(words.prefix(phrase.count)) == phrase {
                if phrase.count > (best?.1 ?? 0) { best = (spec, phrase.count) }
            }
        }
        return best
    }

    /// The first words of every query, for statement dispatch and completion.
    public static let leadingWords: [String] = {
        var seen = Set<String>(), out: [String] = []
        for spec in all { for p in spec.phrases where seen.insert(p[0]).inserted { out.append(p[0]) } }
        return out
    }()
}

extension QueryVerb {
    public var kind: QueryKind {
        switch self {
        case .deals: return .deals
        case .leads: return .leads
        case .tasks: return .tasks
        case .notifications: return .notifications
        case .count(let of): return of == "leads" ? .countLeads : .countDeals
        case .aggregate(let f, _):
            switch f {
            case "avg": return .avg
            case "min": return .min
            case "max": return .max
            default: return .sum
            }
        case .pipeline: return .pipeline
        case .forecast: return .forecast
        case .conversion: return .conversion
        case .leadConversion: return .leadConversion
        case .winRate: return .winRate
        case .timeInStage: return .timeInStage
        case .cycle: return .cycle
        case .velocity: return .velocity
        case .stale: return .stale
        case .calibration: return .calibration
        case .bottlenecks: return .bottlenecks
        case .history: return .history
        case .changes: return .changes
        case .dealChanges: return .dealChanges
        case .attainment: return .attainment
        case .attainmentRollup: return .attainmentRollup
        case .forecastRollup: return .forecastRollup
        case .forecastAccuracy: return .forecastAccuracy
        case .forecastHistory: return .forecastHistory
        }
    }

    public var spec: QuerySpec { QuerySpec.of(kind) }

    /// The verb of a spec with its argument (the expression of `sum`, the deal of `history`).
    public init(_ kind: QueryKind, argument: Expr?) {
        let arg = argument ?? Expr(.empty, SourceRange(0, 0))
        switch kind {
        case .deals: self = .deals
        case .leads: self = .leads
        case .tasks: self = .tasks
        case .notifications: self = .notifications
        case .countDeals: self = .count(of: "deals")
        case .countLeads: self = .count(of: "leads")
        case .sum, .avg, .min, .max: self = .aggregate(kind.rawValue, arg)
        case .pipeline: self = .pipeline
        case .forecast: self = .forecast
        case .conversion: self = .conversion
        case .leadConversion: self = .leadConversion
        case .winRate: self = .winRate
        case .timeInStage: self = .timeInStage
        case .cycle: self = .cycle
        case .velocity: self = .velocity
        case .stale: self = .stale
        case .calibration: self = .calibration
        case .bottlenecks: self = .bottlenecks
        case .history: self = .history(deal: arg)
        case .changes: self = .changes(since: argument)
        case .dealChanges: self = .dealChanges(since: argument)
        case .attainment: self = .attainment
        case .attainmentRollup: self = .attainmentRollup
        case .forecastRollup: self = .forecastRollup
        case .forecastAccuracy: self = .forecastAccuracy
        case .forecastHistory: self = .forecastHistory(holder: arg)
        }
    }
}
