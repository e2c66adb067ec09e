/// What a word is, for the readers outside the lexer that must agree with it: completion
/// (where a word ends, and whether a name can be written bare) and anything that writes a
/// name back as source.
extension Lexer {
    /// Whether a scalar goes on a word: an ASCII letter, digit or `_`, or a non-ASCII letter,
    /// number or combining mark (so 初步接洽 is one word).
    public static func continuesWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let b = UInt8(scalar.value)
            return (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || (b >= 48 && b <= 57)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || scalar.properties.generalCategory == .nonspacingMark
    }

    /// Whether `text` reads as exactly one word, so it can be written without quotes.
    public static func isWord(_ text: String) -> Bool {
        let (tokens, diagnostics) = tokenize(SourceFile(name: "name", text: text))
        guard diagnostics.isEmpty, tokens.count == 2, case .word = tokens[0].kind else { return false }
        return tokens[0].range == SourceRange(0, text.utf8.count)
    }
}
