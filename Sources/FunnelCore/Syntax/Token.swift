/// A lexical token. Keywords are not separate kinds: every word is a `.word`, and the parser
/// matches keywords case-insensitively by context, so a stage may be called `Won` or `Lost`
/// and a field `order` without clashing with the grammar.
public enum TokenKind: Equatable, Sendable {
    case word(String)
    case string(String)
    /// A number with any `k`/`m` multiplier applied; `text` is the literal as written.
    case number(Double)
    /// A number literal a Double cannot hold exactly (`999999999999999.99`): an exact amount.
    case amount(Money)
    /// `25%` as the fraction 0.25.
    case percent(Double)
    case date(Int32)
    /// `2026-03`: year and month.
    case month(Int, Int)
    /// `2026-Q2`: year and quarter.
    case quarter(Int, Int)
    case symbol(String)
    /// A line starting with `.` at the start of a statement: a session command, kept raw.
    case dotCommand(String)
    case newline
    case eof
}

public struct Token: Equatable, Sendable {
    public var kind: TokenKind
    public var range: SourceRange
    public init(_ kind: TokenKind, _ range: SourceRange) { self.kind = kind; self.range = range }

    /// The word lowercased, for keyword matching; nil for other kinds.
    public var keyword: String? { if case .word(let w) = kind { return w.lowercased() } else { return nil } }
    public func isKeyword(_ k: String) -> Bool { keyword == k }
    public func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
    public var isNewline: Bool { kind == .newline }
    public var isEOF: Bool { kind == .eof }
}
