import Testing
@testable import FunnelCore
@testable import FunnelShell

/// The language's lists live in one place each (`QuerySpec.all`, `StatementCatalog`); the
/// parser, the resolver, completion and help all read them. These tests hold every reader to
/// every entry, so a registered word that one of them does not know fails here.
struct RegistryTests {
    static let setup = """
    funnel F {
      stage A probability 10%
      stage B probability 50%
      won W
      lost L
    }
    """

    /// The text of a query of `spec` as written with `phrase`.
    static func text(_ spec: QuerySpec, _ phrase: [String]) -> String {
        let words = phrase.joined(separator: " ")
        switch spec.argument {
        case .none: return words
        case .expression: return words + " amount"
        case .dealID: return words + " \"D-1\""
        case .since: return words + " since 2026-03-01"
        case .holder: return words + " for 华东"
        }
    }

    @Test func everyQueryKindHasOneSpec() {
        #expect(QuerySpec.all.map(\.kind).sorted { $0.rawValue < $1.rawValue } == QueryKind.allCases.sorted { $0.rawValue < $1.rawValue })
        for kind in QueryKind.allCases { #expect(QuerySpec.of(kind).kind == kind) }
    }

    @Test func everyRegisteredPhraseParsesToItsKindAndResolves() throws {
        let setup = Parser.parse(SourceFile(name: "setup", text: Self.setup))
        #expect(setup.diagnostics.isEmpty)
        var resolver = Resolver(catalog: Catalog(), file: SourceFile(name: "setup", text: Self.setup))
        for s in setup.statements { resolver.resolve(s) }
        let catalog = resolver.catalog
        for spec in QuerySpec.all {
            for phrase in spec.phrases {
                let text = Self.text(spec, phrase)
                let file = SourceFile(name: "q", text: text)
                let parsed = Parser.parse(file)
                #expect(parsed.diagnostics.isEmpty, "\(text)")
                guard parsed.statements.count == 1, case .query(let q) = parsed.statements[0].kind else {
                    Issue.record("\(text) did not parse as one query")
                    continue
                }
                #expect(q.verb.kind == spec.kind, "\(text)")
                #expect(Resolver.resolve(parsed.statements, file: file, catalog: catalog) == [], "\(text)")
            }
        }
    }

    @Test func everyRegisteredPhraseCompletesWordByWord() {
        for spec in QuerySpec.all {
            for phrase in spec.phrases {
                let first = Completion.completionPhrase(spec)
                #expect(complete("").contains(first.split(separator: " ").count > 1 && phrase.joined(separator: " ") == first ? first : phrase[0]),
                        "\(phrase)")
                // After the words typed so far, the next word of a phrase is offered.
                for k in 1..<phrase.count where !first.hasPrefix(phrase[0..<(k + 1)].joined(separator: " ")) {
                    #expect(complete(phrase[0..<k].joined(separator: " ") + " ").contains(phrase[k]), "\(phrase) after \(k)")
                }
            }
        }
    }

    @Test func statementsStartWithTheirRegisteredWords() {
        #expect(complete("") == [
            "ack", "attainment", "avg", "bottlenecks", "calibration", "changes", "chart", "check", "conversion", "convert", "count",
            "currency", "cycle", "deal", "deals", "delete", "deliver", "disqualify", "done", "export", "field", "forecast", "funnel",
            "history of deal", "import", "lead", "leads", "lose", "max", "min", "move", "notifications", "person", "pipeline",
            "qualify", "quota", "rename", "reopen", "report", "restore", "rule", "set", "show", "stale", "submit", "sum", "tasks",
            "time in stage", "undo", "velocity", "why", "win", "win rate",
        ])
        // A word that starts no statement is named as such; a registered one never is.
        for word in StatementCatalog.leadingWords {
            let parsed = Parser.parse(SourceFile(name: "w", text: word))
            #expect(!parsed.diagnostics.contains { $0.message.hasPrefix("unknown statement") }, "\(word)")
        }
        #expect(Parser.parse(SourceFile(name: "w", text: "forcast")).diagnostics.first?.help == "did you mean 'forecast'?")
    }

    @Test func importExportAndShowOfferEveryKind() {
        #expect(complete("import ") == ["deals", "history", "leads", "people", "quotas", "table"])
        #expect(complete("export ") == ["deals", "history", "leads", "notifications", "tasks"])
        #expect(complete("show ") == ["fields", "funnel", "funnels", "rules", "tables"])
        for kind in StatementCatalog.importKinds {
            let text = kind == "table" ? "import table t from \"t.csv\" key id" : "import \(kind) from \"x.csv\"" + (kind == "deals" ? " into F" : "")
            #expect(Parser.parse(SourceFile(name: "i", text: text)).diagnostics.isEmpty, "\(text)")
        }
        for kind in ExportKind.allCases {
            #expect(Parser.parse(SourceFile(name: "e", text: "export \(kind.rawValue) to \"x.csv\"")).diagnostics.isEmpty)
        }
        for object in StatementCatalog.showObjects {
            let text = object == "funnel" ? "show funnel F" : "show \(object)"
            #expect(Parser.parse(SourceFile(name: "s", text: text)).diagnostics.isEmpty, "\(text)")
        }
    }

    /// One statement for each word `StatementCatalog.statementWords` lists, written against
    /// `setup`; the list must name every word, so a new statement word needs a sample here.
    static let statementSamples: [String: String] = [
        "field": "field region text", "funnel": "funnel G like F { }", "rule": "rule chase when days_in_stage > 30 do notify owner \"chase it\"",
        "deal": "deal \"D-1\" in F", "set": "set deal \"D-1\" amount = 100", "move": "move deal \"D-1\" to B",
        "win": "win deal \"D-1\"", "lose": "lose deal \"D-1\" because \"price\"", "reopen": "reopen deal \"D-1\" to A",
        "lead": "lead \"L-1\" { company: \"Globex\" }", "leads": "leads qualify when company is not empty",
        "qualify": "qualify lead \"L-1\"", "disqualify": "disqualify lead \"L-1\" because \"no budget\"",
        "convert": "convert lead \"L-1\" to deal \"D-9\" in F", "import": "import deals from \"x.csv\" into F",
        "export": "export deals to \"x.csv\"", "why": "why deal \"D-1\" to B", "done": "done task 1", "ack": "ack notifications",
        "check": "check rules", "chart": "chart funnel F", "report": "report F to \"pipeline.html\"", "show": "show funnels",
        "delete": "delete deal \"D-1\" because \"duplicate\"", "restore": "restore deal \"D-1\"", "rename": "rename stage A to A2 in F",
        "undo": "undo", "currency": "currency USD", "person": "person \"王\" { team: \"华东\" }",
        "quota": "quota team 华东 during 2026-Q1 = 100", "submit": "submit forecast for 华东 during 2026-Q1 commit 10 best_case 20",
        "deliver": "deliver notifications",
    ]

    /// The samples whose second word is a keyword of the statement (not a name or a value).
    static let keywordSecond: Set<String> = [
        "set", "move", "win", "lose", "reopen", "leads", "qualify", "disqualify", "convert", "import", "export", "why", "done",
        "ack", "check", "chart", "show", "delete", "restore", "rename", "submit", "deliver",
    ]

    @Test func everyStatementWordParsesResolvesAndCompletes() {
        #expect(Set(Self.statementSamples.keys) == Set(StatementCatalog.statementWords))
        let setupFile = SourceFile(name: "setup", text: Self.setup)
        var resolver = Resolver(catalog: Catalog(), file: setupFile)
        for s in Parser.parse(setupFile).statements { resolver.resolve(s) }
        let offered = complete("")
        for word in StatementCatalog.statementWords {
            let text = Self.statementSamples[word] ?? word
            let file = SourceFile(name: "s", text: text)
            let parsed = Parser.parse(file)
            #expect(parsed.diagnostics.isEmpty, "\(text): \(parsed.diagnostics.map(\.message))")
            #expect(parsed.statements.count == 1, "\(text)")
            // An import reads its file's columns when it is checked; that file is not here.
            if word != "import" {
                #expect(Resolver.resolve(parsed.statements, file: file, catalog: resolver.catalog).filter { $0.severity == .error } == [],
                        "\(text)")
            }
            #expect(offered.contains(word), "\(word)")
            // The keyword after the first word is offered once the first is typed.
            let words = text.split(separator: " ").map(String.init)
            if Self.keywordSecond.contains(word) { #expect(complete(word + " ").contains(words[1]), "\(text)") }
        }
    }

    /// Completion reads the text with the parser's lexer: what the lexer reads as `=` (a
    /// full-width `＝` typed by a Chinese input method) completes as `=` does, and a name is
    /// bare exactly when the lexer reads it as one word.
    @Test func completionReadsTheTextAsTheLexerDoes() {
        #expect(complete("deals where stage ＝ ") == complete("deals where stage = "))
        #expect(complete("deals where stage ＝ ").contains("Proposal"))
        #expect(complete("forecast by team，") == complete("forecast by team,"))
        #expect(Completion.isBareName("初步接洽"))
        #expect(Completion.isBareName("_x2"))
        #expect(!Completion.isBareName("Closed Won"))
        #expect(!Completion.isBareName("2026Q"))
        #expect(!Completion.isBareName("a，b"))
        #expect(!Completion.isBareName(""))
        #expect(complete("deals -- where ") == [])
        #expect(complete("submit ") == ["forecast"])
        #expect(complete("deliver notifications ") == ["via"])
        #expect(complete("deals where owner = \"a\" -- x\nand ") != [])
    }

    @Test func chartOffersTheQueriesWithAHeadline() {
        #expect(complete("chart ") == ["avg", "changes", "conversion", "count", "cycle", "forecast", "funnel", "max", "min", "pipeline",
                                        "sum", "time in stage", "velocity", "win rate"])
    }

    @Test func helpListsEveryQueryAsTheRegistryWritesIt() {
        let help = HelpText.topic("queries") ?? ""
        for spec in QuerySpec.all { #expect(help.contains("  " + spec.usage + "\n"), "\(spec.usage)") }
    }

    @Test func whetherAStatementWritesComesFromItsKind() {
        func writes(_ text: String) -> Bool { Parser.parse(SourceFile(name: "w", text: text)).statements.first?.kind.writes ?? false }
        #expect(writes("deal \"D-1\" in F"))
        #expect(writes("check rules"))
        #expect(writes(".read x.funnel"))
        #expect(!writes("check"))
        #expect(!writes("forecast by team"))
        #expect(!writes("export deals to \"x.csv\""))
        #expect(!writes(".format csv"))
    }
}
