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
    /// `keyword == k` without making the lowercased word: the parser asks this many times per
    /// token. `k` is a keyword as the grammar spells it (lowercase).
    public func isKeyword(_ k: String) -> Bool {
        guard case .word(let w) = kind else { return false }
        // Compared byte by byte where the texts lie (both are nearly always contiguous); a
        // generic walk over the two texts cost several hundred instructions per question.
        let ascii = w.utf8.withContiguousStorageIfAvailable { word in
            k.utf8.withContiguousStorageIfAvailable { keyword -> Bool? in
                for b in word where b >= 0x80 { return nil }
                guard word.count == keyword.count else { return false }
                for i in 0..<word.count {
                    let a = word[i]
                    if (a >= 0x41 && a <= 0x5A ? a | 0x20 : a) != keyword[i] { return false }
                }
                return true
            } ?? nil
        } ?? nil
        if let ascii { return ascii }
        // Lowercasing other text can change its length (the Kelvin sign is "k"): that goes
        // the long way, as does a text not stored contiguously.
        return w.lowercased() == k
    }
    public func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
    public var isNewline: Bool { kind == .newline }
    public var isEOF: Bool { kind == .eof }
}
