/// What the store knows about the shape of the data: fields, funnels and their stages,
/// rules, reference tables, the lead gate. Declarations replace earlier ones by name; the
/// journal keeps every version.
public struct Catalog: Sendable {
    public var fields: [String: FieldDef] = [:]
    public var fieldOrder: [String] = []
    public var funnels: [String: FunnelDef] = [:]
    public var funnelOrder: [String] = []
    public var rules: [String: RuleDef] = [:]
    public var ruleOrder: [String] = []
    /// Reference tables by name: their column names (the rows live in the state).
    public var tables: [String: [String]] = [:]
    public var leadGate: Expr?
    /// `currency`: the currency every money figure is reported in, and its rates.
    public var reportingCurrency: ReportingCurrency?
    public var leadGateSource: SourceFile?

    public init() {}

    public mutating func declare(field: FieldDef) {
        if fields[field.name] == nil { fieldOrder.append(field.name) }
        fields[field.name] = field
    }

    public mutating func declare(funnel: FunnelDef) {
        if funnels[funnel.name] == nil { funnelOrder.append(funnel.name) }
        funnels[funnel.name] = funnel
    }

    public mutating func declare(rule: RuleDef) {
        if rules[rule.name] == nil { ruleOrder.append(rule.name) }
        rules[rule.name] = rule
    }

    /// Every stage name of every funnel, in declaration order, without repeats.
    public var allStageNames: [String] {
        var seen = Set<String>(), out: [String] = []
        for f in funnelOrder { for s in funnels[f]?.stages ?? [] where seen.insert(s.name).inserted { out.append(s.name) } }
        return out
    }

    /// The funnels that have a stage of this name.
    public func funnels(withStage name: String) -> [FunnelDef] {
        funnelOrder.compactMap { funnels[$0] }.filter { $0.stage(named: name) != nil }
    }
}

/// `currency USD rates rates.ConversionRate`: money figures in USD; a deal in currency C counts
/// amount / rates[C].ConversionRate (units of C per one USD, as Salesforce's CurrencyType).
public struct ReportingCurrency: Sendable, Equatable {
    public var code: String
    public var table: String?
    public var column: String?
    /// Dated rates: the columns of the currency code and of the days each rate is in effect.
    public var codeColumn: String?
    public var startColumn: String?
    public var endColumn: String?

    public init(code: String, table: String?, column: String?, dated: RateDates? = nil) {
        self.code = code; self.table = table; self.column = column
        codeColumn = dated?.code.text; startColumn = dated?.start.text; endColumn = dated?.end?.text
    }
}

public struct FieldDef: Sendable, Equatable {
    public var name: String
    public var type: FieldType
    public var oneOf: [Value]?
    public var required: Bool
}

public enum StageKind: String, Sendable { case open, won, lost }

public struct StageDef: Sendable, Equatable {
    public var name: String
    public var kind: StageKind
    /// 1...n for open stages, n+1 for won, nil for lost (METRICS.md, "Positions").
    public var position: Int?
    public var probability: Double
    public var staleAfter: Duration?
    public var category: StageCategory
    public var exitWhen: Expr?
    public var tasks: [TaskSpec]
    public var onEnter: [Action]
    public var onExit: [Action]
}

public struct FunnelDef: Sendable, Equatable {
    public var name: String
    /// Open stages in order, then the won stages, then the lost stages (each in declared order).
    public var stages: [StageDef]
    /// The declaration's text, so exit criteria can be quoted in messages.
    public var source: SourceFile?

    public var openStages: ArraySlice<StageDef> { stages.prefix(while: { $0.kind == .open }) }
    /// The first won / lost stage declared: where `win deal` and `lose deal` go unless they name another.
    public var wonStage: StageDef? { stages.first(where: { $0.kind == .won }) }
    public var lostStage: StageDef? { stages.first(where: { $0.kind == .lost }) }
    public var wonStages: [StageDef] { stages.filter { $0.kind == .won } }
    public var lostStages: [StageDef] { stages.filter { $0.kind == .lost } }
    public var firstOpenStage: StageDef? { stages.first }

    public func stage(named name: String) -> StageDef? { stages.first(where: { $0.name == name }) }
    public func index(of name: String) -> Int? { stages.firstIndex(where: { $0.name == name }) }

    public static func == (a: FunnelDef, b: FunnelDef) -> Bool { a.name == b.name && a.stages == b.stages }
}

public struct RuleDef: Sendable, Equatable {
    public var name: String
    public var trigger: RuleTrigger
    public var filter: Expr?
    public var action: Action
    public var source: SourceFile?
    public static func == (a: RuleDef, b: RuleDef) -> Bool {
        a.name == b.name && a.trigger == b.trigger && a.filter == b.filter && a.action == b.action
    }
}
