import Testing
@testable import FunnelCore

struct LexerTests {
    func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind)
    }

    func errors(_ text: String) -> [String] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).diagnostics.map { "\($0.code) \($0.message)" }
    }

    /// Keywords match as lowercasing the word would match them, without lowercasing ASCII.
    @Test func keywordsMatchAsLowercasedWords() {
        let r = SourceRange(0, 0)
        #expect(Token(.word("DEAL"), r).isKeyword("deal"))
        #expect(Token(.word("Deal"), r).isKeyword("deal"))
        #expect(!Token(.word("deals"), r).isKeyword("deal"))
        #expect(!Token(.word("dea"), r).isKeyword("deal"))
        #expect(!Token(.string("deal"), r).isKeyword("deal"))
        #expect(Token(.word("是"), r).isKeyword("是"))
        // The Kelvin sign lowercases to the letter k.
        #expect(Token(.word("\u{212A}"), r).isKeyword("k"))
        let words = ["deal", "DEAL", "dEaL", "deal_", "Move", "K", "\u{212A}", "İ", "ＤＥＡＬ", "是", "", "a1", "@", "Z", "["]
        let keywords = ["deal", "move", "k", "i", "i\u{307}", "是", "a1", "z", "{", ""]
        for w in words {
            for k in keywords { #expect(Token(.word(w), r).isKeyword(k) == (w.lowercased() == k), "\(w) / \(k)") }
        }
    }

    @Test func numbersWithSeparatorsAndMultipliers() {
        #expect(kinds("120000 120_000 1.5 120k 1.2m 25%") == [
            .number(120000), .number(120000), .number(1.5), .number(120000), .number(1_200_000), .percent(0.25), .eof,
        ])
    }

    @Test func datesMonthsQuarters() {
        #expect(kinds("2026-03-14 2026-03 2026-Q2") == [
            .date(Calendar.day(year: 2026, month: 3, day: 14)), .month(2026, 3), .quarter(2026, 2), .eof,
        ])
    }

    @Test func invalidDateIsAnErrorWithHelp() {
        let d = Lexer.tokenize(SourceFile(name: "t", text: "2026-02-30")).diagnostics
        #expect(d.map(\.message) == ["no such date 2026-02-30"])
        #expect(d.first?.help == "2026-02 has 28 days")
        #expect(d.first?.range == SourceRange(0, 10))
    }

    @Test func chineseWordsAreNames() {
        #expect(kinds("stage >= 方案呈现") == [.word("stage"), .symbol(">="), .word("方案呈现"), .eof])
    }

    @Test func stringEscapes() {
        #expect(kinds(#""a\"b\\c\nd\te\u{4E2D}""#) == [.string("a\"b\\c\nd\te中"), .eof])
    }

    /// 100 MB of `;` was 100 million tokens (21 s, 5.4 GB); a run of separators is one.
    @Test func runsOfSeparatorsAreOneToken() {
        #expect(kinds("a;;;b\n\n\n-- note\n\nc ; ;d") == [
            .word("a"), .symbol(";"), .word("b"), .newline, .word("c"), .symbol(";"), .word("d"), .eof,
        ])
        #expect(Lexer.tokenize(SourceFile(name: "t", text: String(repeating: ";", count: 100_000))).tokens.count == 2)
    }

    @Test func newlinesEndStatementsButNotInsideParentheses() {
        #expect(kinds("a\nb (c\nd) {e\nf}") == [
            .word("a"), .newline, .word("b"), .symbol("("), .word("c"), .word("d"), .symbol(")"),
            .symbol("{"), .word("e"), .newline, .word("f"), .symbol("}"), .eof,
        ])
    }

    @Test func commentsAndShebang() {
        #expect(kinds("#!/usr/bin/env funnel\npipeline -- all open deals\n") == [.newline, .word("pipeline"), .newline, .eof])
    }

    @Test func dotCommandOnlyAtStatementStart() {
        #expect(kinds(".format json -- note\nx.month") == [
            .dotCommand(".format json"), .newline, .word("x"), .symbol("."), .word("month"), .eof,
        ])
    }

    @Test func operatorsNormalised() {
        #expect(kinds("a <> b == c") == [.word("a"), .symbol("!="), .word("b"), .symbol("="), .word("c"), .eof])
    }

    @Test func badInputIsReportedNotTrapped() {
        #expect(errors("\"open") == ["E003 unterminated string"])
        #expect(errors("12abc") == ["E006 bad number '12abc'"])
        #expect(errors("99999999999999999999") == ["E007 number too large"])
        #expect(errors("a @ b") == ["E002 unexpected character '@'"])
        #expect(errors("'x'") == ["E009 strings are written in double quotes"])
        #expect(errors("\"\\q\"") == ["E004 unknown escape \\q"])
        #expect(errors("2026-Q5") == ["E005 no such quarter Q5"])
        #expect(errors("name：x") == [])
        #expect(errors("¥120") == ["E008 '¥120': amounts are plain numbers, without a currency sign"])
        let bytes: [UInt8] = [0x61, 0xFF, 0x20, 0xC3]
        #expect(Lexer.tokenize(SourceFile(name: "t", bytes: bytes)).diagnostics.map(\.message)
                == ["invalid UTF-8 byte 0xFF", "invalid UTF-8 byte 0xC3"])
    }

    @Test func fullWidthPunctuationRecoversAsASCII() {
        #expect(kinds("a：1") == [.word("a"), .symbol(":"), .number(1), .eof])
        // A number or word stops at it, so `10k，owner：` is not one bad number.
        #expect(kinds("10k，owner：") == [.number(10_000), .symbol(","), .word("owner"), .symbol(":"), .eof])
        let lexed = Lexer.tokenize(SourceFile(name: "t", text: "a：1"))
        #expect(lexed.diagnostics.isEmpty)
        var lexer = Lexer(file: SourceFile(name: "t", text: "a：1，2"))
        while !lexer.finished { lexer.step() }
        #expect(lexer.warnings.map { "\($0.code) \($0.message)" } == ["W005 full-width '：' read as ':'", "W005 full-width '，' read as ','"])
    }

    @Test func aCurrencySignBeforeSeparatedDigitsIsOneError() {
        #expect(errors("$1,200k") == ["E008 '$1,200k': amounts are plain numbers, without a currency sign or thousands separators"])
        #expect(kinds("¥1,200") == [.number(1200), .eof])
    }
}
