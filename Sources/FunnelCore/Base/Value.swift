/// A single value as the language sees it. Dates are day numbers (days since 1970-01-01),
/// so comparisons and `today - created` are integer arithmetic.
public enum Value: Hashable, Sendable {
    case null
    case number(Double)
    case text(String)
    case bool(Bool)
    case date(Int32)
    case list([Value])

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var text: String? { if case .text(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var date: Int32? { if case .date(let d) = self { return d } else { return nil } }
}
