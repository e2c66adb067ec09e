/// A single value as the language sees it. Dates are day numbers (days since 1970-01-01),
/// so comparisons and `today - created` are integer arithmetic.
public enum Value: Hashable, Sendable {
    case null
    case number(Double)
    /// An amount: `amount`, a declared `money` field, a money figure (Money.swift). Exact,
    /// unlike `.number`; `number` still reads it as a Double for what needs only a magnitude.
    case money(Money)
    case text(String)
    case bool(Bool)
    case date(Int32)
    case list([Value])

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var number: Double? {
        switch self {
        case .number(let n): return n
        case .money(let m): return m.double
        default: return nil
        }
    }
    public var money: Money? { if case .money(let m) = self { return m } else { return nil } }
    public var text: String? { if case .text(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var date: Int32? { if case .date(let d) = self { return d } else { return nil } }
}
