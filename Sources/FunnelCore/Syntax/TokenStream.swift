/// The lexer's tokens, made as the parser asks for them and dropped once the parser is past
/// them. A token takes 40 bytes, so holding every token of a file made memory forty times the
/// size of a file of `;` (5.4 GB for 100 MB); now the tokens held are those of the statement
/// being parsed. Indexes are absolute: the first token of the file is 0, whatever was dropped.
///
/// The parser reads a token several times per token of input, so these properties are read
/// without the runtime's exclusivity check (a third of parsing's instructions went to it):
/// nothing here is reached from two places at once, as only one parser owns the stream
/// and no access to it calls back into it.
final class TokenStream {
    @exclusivity(unchecked) private var lexer: Lexer
    @exclusivity(unchecked) private var buffer: [Token] = []
    /// The absolute index of `buffer[0]`.
    @exclusivity(unchecked) private var base = 0
    /// Tokens from here on are kept: the start of the statement being parsed, which error
    /// recovery goes back to.
    @exclusivity(unchecked) var keptFrom = 0

    init(file: SourceFile) { lexer = Lexer(file: file) }

    /// The token at absolute index `i`; past the end, the EOF token.
    subscript(i: Int) -> Token {
        let j = i - base
        if j >= 0, j < buffer.count { return buffer[j] }
        while i - base >= buffer.count, !lexer.finished { fill() }
        return buffer[max(0, min(i - base, buffer.count - 1))]
    }

    /// True when `i` is the last token (EOF), so the cursor stays there.
    func isLast(_ i: Int) -> Bool { inPlace(i) { $0.isEOF } }

    // The questions the parser asks of a token most, answered where the token lies: a copy
    // of a token retains its text and releases it again.
    func isNewline(_ i: Int) -> Bool { inPlace(i) { $0.isNewline } }
    func isSymbol(_ i: Int, _ s: String) -> Bool { inPlace(i) { $0.isSymbol(s) } }
    func isKeyword(_ i: Int, _ k: String) -> Bool { inPlace(i) { $0.isKeyword(k) } }

    /// `test` of the token at `i`, read where it lies.
    @inline(__always)
    func inPlace(_ i: Int, _ test: (borrowing Token) -> Bool) -> Bool {
        let j = i - base
        guard j >= 0, j < buffer.count else { return test(self[i]) }
        return buffer.withUnsafeBufferPointer { test($0[j]) }
    }

    /// The tokens from `from` up to `to` (absolute, `from` at or after `keptFrom`).
    func tokens(from: Int, to: Int) -> ArraySlice<Token> {
        _ = self[to]
        let lo = max(from - base, 0), hi = min(max(to - base, lo), buffer.count)
        return buffer[lo..<hi]
    }

    /// Every token from `keptFrom` to the end of the file.
    func remaining() -> ArraySlice<Token> {
        while !lexer.finished { fill() }
        return buffer[max(keptFrom - base, 0)...]
    }

    /// Drops the tokens before `keptFrom` (and before the one before `index`, which
    /// `previousEnd` reads) once there are enough of them to be worth the copy.
    func compact(index: Int) {
        let drop = min(keptFrom, index - 1) - base
        guard drop >= 4096, drop * 2 >= buffer.count else { return }
        buffer.removeFirst(drop)
        base += drop
    }

    var lexerDiagnostics: [Diagnostic] { lexer.diagnostics }
    var unlistedLexerErrors: Int { lexer.unlistedErrors }
    var lexerWarnings: [Diagnostic] { lexer.warnings }

    private func fill() {
        lexer.step()
        buffer.append(contentsOf: lexer.tokens)
        lexer.tokens.removeAll(keepingCapacity: true)
    }
}
