/// The deal fields every store has (LANGUAGE.md, "Declarations"), with their types and
/// whether a statement may set them.
public enum BuiltinFields {
    public static let all: [(name: String, type: ValueType, writable: Bool)] = [
        ("id", .text, false), ("name", .text, true), ("funnel", .text, false), ("stage", .stage, false),
        ("status", .text, false), ("amount", .money, true), ("probability", .percent, true),
        ("owner", .text, true), ("team", .text, true), ("source", .text, true), ("product", .text, true),
        ("account", .text, true), ("created", .date, false), ("close_date", .date, true), ("closed", .date, false),
        ("lost_reason", .text, false), ("days_in_stage", .number, false), ("age", .number, false),
        ("stale", .bool, false), ("weighted", .money, false),
        // The lead a deal was converted from (convert lead).
        ("lead", .text, false),
        // CRM exports carry both per deal: the forecast category (the deal's own, else its
        // stage's, as with probability) and the ISO code of the amount's currency.
        ("category", .text, true), ("currency", .text, true),
        // The owner's manager, from the people declared with `person` (People.swift).
        ("manager", .text, false),
    ]

    /// Built-in fields that take only some values, as `one of` does for a declared field.
    public static func oneOf(_ name: String) -> [Value]? {
        name == "category" ? StageCategory.allCases.map { .text($0.rawValue) } : nil
    }

    /// Built-in fields added after stores were made, which a store may have declared itself:
    /// such an old declaration is passed over on replay, and the built-in field takes its values.
    public static let addedLater: Set<String> = ["category", "currency"]
    static let byName: [String: (type: ValueType, writable: Bool)] = {
        var d: [String: (ValueType, Bool)] = [:]
        for f in all { d[f.name] = (f.type, f.writable) }
        return d
    }()

    public static func type(of name: String) -> ValueType? { byName[name]?.type }
    public static func isWritable(_ name: String) -> Bool { byName[name]?.writable ?? false }
    public static var names: [String] { all.map(\.name) }
}

/// The static type of an expression, checked before anything runs.
public enum ValueType: String, Sendable, Equatable {
    case text, number, money, percent, date, bool, stage, duration, period, list, null, any

    public var isNumeric: Bool { self == .number || self == .money || self == .percent }

    public init(_ f: FieldType) {
        switch f {
        case .text: self = .text
        case .number: self = .number
        case .money: self = .money
        case .percent: self = .percent
        case .date: self = .date
        case .bool: self = .bool
        }
    }
}
