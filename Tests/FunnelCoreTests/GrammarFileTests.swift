import Foundation
import Testing

/// grammar/funnel.ebnf is made of the grammar rules in the parse functions' doc comments,
/// so the published grammar cannot drift from the parser. `FUNNEL_UPDATE_GOLDEN=1`
/// rewrites the file.
struct GrammarFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sources = ["Parser", "StatementParser", "DeclarationParser", "PeopleParser", "ImportParser", "QueryParser",
                          "ExpressionParser", "DotCommand", "Lexer"]

    static let header = """
    (* The funnel language: the grammar rules of the parser, in order of the parser's files.
       Generated from the doc comments of Sources/FunnelCore/Syntax/*.swift; a test keeps this
       file equal to them (FUNNEL_UPDATE_GOLDEN=1 swift test --filter Grammar rewrites it).
       Notation: "x" literal (keywords are case-insensitive), [ x ] optional, { x } repeated,
       ( x | y ) choice; UPPERCASE names are tokens made by the lexer (rules at the end).
       Continuation (LANGUAGE.md): a statement goes on past a NEWLINE while a bracket is open,
       after an operator, a comma or a keyword that needs more, and when the next line starts
       with a clause keyword: where by order limit during as show to do on. *)

    """

    static func extract() throws -> String {
        var out = header
        for name in sources {
            let url = root.appendingPathComponent("Sources/FunnelCore/Syntax/\(name).swift")
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            var rules: [String] = []
            var inRule = false
            for raw in lines {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard line.hasPrefix("///") else { inRule = false; continue }
                let body = String(line.dropFirst(3))
                let text = body.hasPrefix(" ") ? String(body.dropFirst()) : body
                if text.range(of: #"^[A-Za-z][A-Za-z-]* := "#, options: .regularExpression) != nil {
                    rules.append(text)
                    inRule = true
                } else if inRule, text.hasPrefix(" ") {
                    rules.append(text)
                } else {
                    inRule = false
                }
            }
            if !rules.isEmpty { out += "\n(* \(name).swift *)\n" + rules.joined(separator: "\n") + "\n" }
        }
        return out
    }

    @Test func grammarFileMatchesTheParser() throws {
        let expected = try Self.extract()
        let file = Self.root.appendingPathComponent("grammar/funnel.ebnf")
        if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
            try expected.write(to: file, atomically: true, encoding: .utf8)
        }
        let actual = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        #expect(actual == expected)
        #expect(expected.contains("query := query-verb { query-clause }"))
    }
}
