/// The syntax tree. Every node carries its source range so later stages can point at it.

public struct Identifier: Equatable, Sendable {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, _ range: SourceRange) { self.text = text; self.range = range }
}

public enum DurationUnit: String, Sendable { case days, weeks, months, quarters, years }

public struct Duration: Equatable, Sendable {
    public var count: Int
    public var unit: DurationUnit
    /// Approximate days, for `stale after` and `due`: months count 30 days.
    public var days: Int {
        switch unit {
        case .days: return count
        case .weeks: return count * 7
        case .months: return count * 30
        case .quarters: return count * 91
        case .years: return count * 365
        }
    }
    public var description: String { "\(count) \(count == 1 ? String(unit.rawValue.dropLast()) : unit.rawValue)" }
}

public enum BinaryOp: String, Sendable {
    case or, and, eq = "=", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", add = "+", sub = "-", mul = "*", div = "/"
}

public indirect enum ExprKind: Equatable, Sendable {
    case number(Double)
    /// A literal amount with more digits than a Double holds (`TokenKind.amount`).
    case amount(Money)
    case percent(Double)
    case string(String)
    case bool(Bool)
    case empty
    case date(Int32)
    case month(Int, Int)
    case quarter(Int, Int)
    case duration(Duration)
    case today
    /// A bare word: a field, or a stage name where a stage is expected.
    case name(String)
    case not(Expr)
    case negate(Expr)
    case binary(BinaryOp, Expr, Expr)
    case isEmpty(Expr, negated: Bool)
    case inList(Expr, [Expr], negated: Bool)
    case list([Expr])
    /// `close_date.month`: a date bucket.
    case member(Expr, Identifier)
    /// `teams[sales_agent].manager`: a reference-table lookup.
    case lookup(table: Identifier, key: Expr, column: Identifier)
    case call(Identifier, [Expr])
    /// `tasks done`: all key tasks of the deal's current stage are done.
    case tasksDone
}

public struct Expr: Equatable, Sendable {
    public var kind: ExprKind
    public var range: SourceRange
    public init(_ kind: ExprKind, _ range: SourceRange) { self.kind = kind; self.range = range }
}

public enum WindowKind: Equatable, Sendable {
    /// `2026-Q1`, `2026-03`, `2026`, a single date.
    case literal(Expr)
    /// `DATE to DATE`, half-open.
    case between(Expr, Expr)
    /// `this|last|next week|month|quarter|year`.
    case relative(offset: Int, unit: DurationUnit)
    /// `last N days` (also weeks/months).
    case lastN(Duration)
}

public struct Window: Equatable, Sendable {
    public var kind: WindowKind
    public var range: SourceRange
}

public struct OrderTerm: Equatable, Sendable {
    public var expr: Expr
    public var descending: Bool
}

public enum QueryVerb: Equatable, Sendable {
    case deals, leads, tasks, notifications
    case count(of: String)
    case aggregate(String, Expr)
    case pipeline, forecast
    case conversion, leadConversion
    case winRate, timeInStage, cycle, velocity, stale, calibration, bottlenecks
    case history(deal: Expr)
    case changes(since: Expr?)
    /// `deals changed since D`: every recorded change of every deal in a period.
    case dealChanges(since: Expr?)
    /// Managers' reports (ManagerReports.swift): quotas, the hierarchy, submissions, accuracy.
    case attainment, attainmentRollup, forecastRollup, forecastAccuracy
    case forecastHistory(holder: Expr)

    /// The name used in messages ("statement not available yet", help).
    public var name: String {
        switch self {
        case .deals: return "deals"
        case .leads: return "leads"
        case .tasks: return "tasks"
        case .notifications: return "notifications"
        case .count: return "count"
        case .aggregate(let f, _): return f
        case .pipeline: return "pipeline"
        case .forecast: return "forecast"
        case .conversion: return "conversion"
        case .leadConversion: return "conversion of leads"
        case .winRate: return "win rate"
        case .timeInStage: return "time in stage"
        case .cycle: return "cycle"
        case .velocity: return "velocity"
        case .stale: return "stale"
        case .calibration: return "calibration"
        case .bottlenecks: return "bottlenecks"
        case .history: return "history of deal"
        case .changes: return "changes"
        case .dealChanges: return "deals changed"
        case .attainment: return "attainment"
        case .attainmentRollup: return "attainment rollup"
        case .forecastRollup: return "forecast rollup"
        case .forecastAccuracy: return "forecast accuracy"
        case .forecastHistory: return "forecast history"
        }
    }
}

public struct Query: Equatable, Sendable {
    public var verb: QueryVerb
    public var filter: Expr?
    public var groups: [Expr] = []
    public var order: [OrderTerm] = []
    public var limit: Int?
    public var during: Window?
    public var asOf: Expr?
    public var columns: [Expr]?
    /// `to FILE`: write the result to a file instead of the output.
    public var output: Expr?
    public var range: SourceRange
    /// `history of deal "X" fields amount, close_date`: the fields whose changes it lists.
    public var historyFields: [Identifier]? = nil
}

public enum Action: Equatable, Sendable {
    case task(title: String, role: String?, due: Duration?)
    case notify(role: String, message: String)
}

public struct TaskSpec: Equatable, Sendable {
    public var title: String
    public var role: String?
    public var due: Duration?
}

public enum StageCategory: String, Sendable, CaseIterable { case pipeline, best_case, commit }

/// One `stage` item of a funnel body. Options left nil keep the value a `like` copy had.
public struct StageDecl: Equatable, Sendable {
    public var name: Identifier
    public var probability: Double?
    public var staleAfter: Duration?
    public var category: StageCategory?
    public var exitWhen: Expr?
    public var tasks: [TaskSpec] = []
    public var onEnter: [Action] = []
    public var onExit: [Action] = []
    public var range: SourceRange
}

public struct FunnelDecl: Equatable, Sendable {
    public var name: Identifier
    public var like: Identifier?
    public var stages: [StageDecl]
    /// Outcome stages in declared order; the first of each is where `win` / `lose` go by default.
    public var won: [Identifier]
    public var lost: [Identifier]
}

public enum FieldType: String, Sendable, CaseIterable { case text, number, money, percent, date, bool }

public struct FieldDecl: Equatable, Sendable {
    public var name: Identifier
    public var type: FieldType
    public var oneOf: [Expr]?
    public var required: Bool
}

public enum RuleTrigger: Equatable, Sendable {
    case onEnter(Identifier, funnel: Identifier?)
    case onExit(Identifier, funnel: Identifier?)
    case when(Expr)
}

public struct RuleDecl: Equatable, Sendable {
    public var name: Identifier
    public var trigger: RuleTrigger
    public var filter: Expr?
    public var action: Action
}

public struct Assignment: Equatable, Sendable {
    public var field: Identifier
    public var value: Expr
}

/// One line of an import mapping: `target = EXPR` or `entered STAGE = EXPR`.
public struct MappingItem: Equatable, Sendable {
    public var target: Identifier
    public var enteredStage: Identifier?
    public var value: Expr
}

public struct ImportOptions: Equatable, Sendable {
    public var skipErrors = false
    public var withoutRules = false
    public var delimiter: String?
    public var decimalComma = false
    public var dateFormat: String?
    public var stageMap: [(String, Identifier)] = []
    /// `encoding "gbk"`: the file's character encoding (default UTF-8).
    public var encoding: String?
    /// `where EXPR`: the rows to import, over the file's columns.
    public var filter: Expr?
    /// `as snapshot`: the file is every open deal of the funnel; open deals it lacks are removed.
    public var snapshot = false
    /// `on DATE`: the day the export was taken (default today).
    public var on: Expr?
    /// `fields ("Amount" = amount, ...)`: a field history in the long shape names its fields
    /// as the CRM does; these are the funnel fields they are.
    public var fieldMap: [(String, Identifier)] = []
    public static func == (a: ImportOptions, b: ImportOptions) -> Bool {
        a.fieldMap.map(\.0) == b.fieldMap.map(\.0) && a.fieldMap.map(\.1) == b.fieldMap.map(\.1) &&
        a.snapshot == b.snapshot && a.on == b.on &&
        a.skipErrors == b.skipErrors && a.withoutRules == b.withoutRules && a.delimiter == b.delimiter
            && a.encoding == b.encoding && a.filter == b.filter
            && a.decimalComma == b.decimalComma && a.dateFormat == b.dateFormat
            && a.stageMap.map(\.0) == b.stageMap.map(\.0) && a.stageMap.map(\.1) == b.stageMap.map(\.1)
    }
}

public enum ImportKind: Equatable, Sendable {
    case deals(funnel: Identifier)
    case table(name: Identifier, key: Identifier)
    case history
    case leads
    /// `import people` and `import quotas` (Import/PeopleImport.swift).
    case people, quotas
}

public enum ExportKind: String, CaseIterable, Sendable { case deals, history, leads, tasks, notifications }

/// Indirect, so a statement is a reference and a range: kept inline, every statement of a
/// script took the size of the largest kind (a query's), and a script's statements are all
/// held while it runs.
public indirect enum StatementKind: Equatable, Sendable {
    case field(FieldDecl)
    case funnel(FunnelDecl)
    case rule(RuleDecl)
    case leadGate(Expr)
    case deal(id: Expr, funnel: Identifier?, fields: [Assignment], on: Expr?)
    case setDeal(id: Expr, assignments: [Assignment], on: Expr?)
    case move(id: Expr, to: Identifier, force: String?, on: Expr?)
    case win(id: Expr, on: Expr?)
    case lose(id: Expr, reason: String?, on: Expr?)
    /// `win deal "X" as STAGE` / `lose deal "X" as STAGE`: closing into a named outcome stage.
    case closeAs(id: Expr, won: Bool, stage: Identifier, reason: String?, on: Expr?)
    /// `currency USD [rates TABLE.COLUMN]`: the reporting currency and where rates come from.
    case currency(code: Identifier, table: Identifier?, column: Identifier?, dated: RateDates? = nil)
    case reopen(id: Expr, to: Identifier?, on: Expr?)
    case lead(id: Expr, fields: [Assignment], on: Expr?)
    case qualify(id: Expr, on: Expr?)
    case disqualify(id: Expr, reason: String, on: Expr?)
    case convert(lead: Expr, deal: Expr, funnel: Identifier?, on: Expr?)
    case importData(kind: ImportKind, file: Expr, mapping: [MappingItem], options: ImportOptions)
    case export(kind: ExportKind, filter: Expr?, columns: [Expr]?, file: Expr, bom: Bool? = nil)
    case why(id: Expr, to: Identifier)
    case doneTask(id: Int?, title: String?, deal: Expr?, on: Expr?)
    case ack(id: Int?, filter: Expr?, on: Expr?)
    case checkRules
    case checkDesign
    case query(Query)
    case chartFunnel(FunnelView)
    case chart(Query)
    /// `report [FUNNEL] ... to "pipeline.html"`: the one-file pipeline report.
    case report(FunnelView)
    case showFunnel(Identifier)
    case showFields
    case showFunnels
    case showRules
    case showTables
    case dotCommand(String)
    // Taking mistakes back and redeclaring safely.
    case deleteDeal(id: Expr, reason: String)
    case restoreDeal(id: Expr)
    /// `rename stage B to C` or `move deals from B to C`: where the deals of a stage that a
    /// funnel redeclaration removes go.
    case stageMap(StageMapping, on: Expr?)
    /// The REPL's `undo` (and a clear error anywhere else).
    case undo
    /// People, quotas, submitted forecasts and delivery (PeopleParser.swift).
    case people(PeopleStatement)
}

/// Where the open deals of a stage go when a funnel is redeclared without it: `rename`
/// keeps their stage visit (the stage is the same, under a new name), `move` moves them.
public struct StageMapping: Equatable, Sendable {
    public enum Kind: String, Sendable { case rename, move }
    public var kind: Kind
    public var from: Identifier
    public var to: Identifier
    public var funnel: Identifier?
    public init(kind: Kind, from: Identifier, to: Identifier, funnel: Identifier?) {
        self.kind = kind; self.from = from; self.to = to; self.funnel = funnel
    }
}

/// `chart funnel [FUNNEL] ...` and `report [FUNNEL] ...`: one funnel (every funnel when none
/// is named) and the clauses its queries take. `clauses` holds them as a query's clauses do
/// (its verb is `conversion`, the report that draws the funnel); the resolver refuses the
/// clauses that mean nothing here.
public struct FunnelView: Equatable, Sendable {
    public var funnel: Identifier?
    public var clauses: Query
    /// `by amount`: bars measure the amount that reached each stage rather than the deals.
    public var byAmount: Bool { clauses.groups.count == 1 && clauses.groups[0].kind == .name("amount") }
    public init(funnel: Identifier?, clauses: Query) { self.funnel = funnel; self.clauses = clauses }
}

/// A quota's or a submission's holder: `team 华东`, `person "li.wei"`, or a bare name that
/// is looked up among the people and then the teams.
public struct HolderRef: Equatable, Sendable {
    /// "team" or "person" when written.
    public var kind: String?
    public var name: Identifier
}

public enum PeopleStatement: Equatable, Sendable {
    case person(id: Expr, fields: [Assignment], on: Expr?)
    case quota(holder: HolderRef, period: Window, amount: Expr, on: Expr?)
    case submit(holder: HolderRef, period: Window, commit: Expr, bestCase: Expr, reason: String?, by: Identifier?, on: Expr?)
    case deliveryCommand(command: Expr, timeout: Int?)
    case deliver
}

public struct Statement: Equatable, Sendable {
    public var kind: StatementKind
    public var range: SourceRange
    public init(_ kind: StatementKind, _ range: SourceRange) { self.kind = kind; self.range = range }
}

/// `currency USD rates fx.ConversionRate for IsoCode from StartDate [until NextStartDate]`: the
/// table holds several rates per currency, each in effect from a day (Salesforce's
/// DatedConversionRate), so the table's key is any unique column and these name the columns
/// of the currency code and of the dates.
public struct RateDates: Sendable, Equatable {
    public var code: Identifier
    public var start: Identifier
    public var end: Identifier?
}
