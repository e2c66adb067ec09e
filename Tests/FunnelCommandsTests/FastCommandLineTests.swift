import ArgumentParser
@testable import FunnelCommands
import Testing

/// The fast path for common command lines (FastCommandLine.swift) against
/// swift-argument-parser: whatever the fast path reads, the full parser must read the same
/// way, and whatever it is unsure of it must leave to the full parser.
struct FastCommandLineTests {
    /// No environment: none of FUNNEL_TODAY, FUNNEL_CHARSET, FUNNEL_LOCK_TIMEOUT.
    static func noEnvironment(_ name: String) -> String? { nil }

    func fast(_ line: [String], environment: [String: String] = [:]) -> FastCommandLine? {
        FastCommandLine.parse(CommandLineText.arguments(line), environment: { environment[$0] })
    }

    /// What swift-argument-parser makes of a line, in the fast path's terms; nil for anything
    /// else (an error, help, another subcommand).
    func full(_ line: [String]) -> FastCommandLine? {
        let arguments = CommandLineText.arguments(line)
        do {
            let command = try Funnel.parseAsRoot(arguments)
            if let root = command as? Funnel {
                return .root(RootInvocation(settings: root.options.settings, statements: root.command,
                                            initFile: root.initFile, startup: root.startup))
            }
            if let run = command as? Run { return .run(RunInvocation(settings: run.options.settings, files: run.files)) }
            return nil
        } catch {
            if Funnel.exitCode(for: error) == .success, Funnel.fullMessage(for: error) == "0.1.0" { return .version }
            return nil
        }
    }

    @Test func theSubcommandNamesAreTheParsersOwn() {
        #expect(Set(CommandLineText.subcommands) == Set(Funnel.configuration.subcommands.map { $0._commandName } + ["help"]))
    }

    @Test func theCommonLinesTakeTheFastPath() {
        let settings = GlobalSettings(store: "s.store", format: "csv", today: "2026-06-30")
        #expect(fast(["--version"]) == .version)
        #expect(fast([]) == .root(RootInvocation(settings: GlobalSettings())))
        #expect(fast(["-c", "show fields"]) == .root(RootInvocation(settings: GlobalSettings(), statements: ["show fields"])))
        #expect(fast(["--store", "s.store", "--format", "csv", "--today", "2026-06-30", "-c", "count deals"])
            == .root(RootInvocation(settings: settings, statements: ["count deals"])))
        #expect(fast(["--store", "s.store", "pipeline", "-c", "count deals", "forecast"])
            == .root(RootInvocation(settings: GlobalSettings(store: "s.store"), statements: ["pipeline", "count deals", "forecast"])))
        #expect(fast(["--", "run", "check"]) == .root(RootInvocation(settings: GlobalSettings(), statements: ["run", "check"])))
        #expect(fast(["--keep-going", "--quiet", "--stream", "--charset", "ascii", "-init", "a.funnel", "-cmd", "x", "-cmd", "y"])
            == .root(RootInvocation(settings: GlobalSettings(charset: "ascii", keepGoing: true, quiet: true, stream: true),
                                    initFile: "a.funnel", startup: ["x", "y"])))
        #expect(fast(["run", "a.funnel", "--store", "s.store", "b.funnel", "--format", "csv", "--today", "2026-06-30"])
            == .run(RunInvocation(settings: settings, files: ["a.funnel", "b.funnel"])))
        #expect(fast(["run", "--keep-going", "--quiet", "a.funnel"])
            == .run(RunInvocation(settings: GlobalSettings(keepGoing: true, quiet: true), files: ["a.funnel"])))
    }

    @Test(arguments: [
        ["--help"], ["-h"], ["help"], ["help", "run"], ["run", "--help"], ["run"], ["check", "a.funnel"], ["verify"],
        ["undo", "--last-run"], ["copy", "--from", "a", "--to", "b"], ["--version", "-c", "x"], ["-c", "x", "--version"],
        ["--store"], ["-c"], ["--store", "a", "--store", "b"], ["--quiet", "--quiet"], ["-init", "a", "-init", "b"],
        ["--store=s.store", "-c", "x"], ["--frobnicate"], ["-c", "-- a note"], ["-c", ""], ["--store", "", "-c", "x"],
        ["--store", "-c", "x"], ["--store", "s", "run", "a.funnel"], ["run", "a.funnel", "-c", "x"], ["run", "a.funnel", "--"],
        ["run", "-init", "a", "b.funnel"], ["--format", "xml", "-c", "x"], ["--today", "2026-02-30", "-c", "x"],
        ["--charset", "ebcdic", "-c", "x"], ["run", "a.funnel", "--format", "XML"], ["-c", "--generate-completion-script"],
    ])
    func uncertainLinesGoToTheFullParser(_ line: [String]) {
        #expect(fast(line) == nil)
    }

    @Test func anOptionTheChecksRefuseGoesToTheFullParser() {
        #expect(fast(["-c", "x"], environment: ["FUNNEL_TODAY": "tomorrow"]) == nil)
        #expect(fast(["-c", "x"], environment: ["FUNNEL_CHARSET": "latin1"]) == nil)
        #expect(fast(["-c", "x"], environment: ["FUNNEL_LOCK_TIMEOUT": "-1"]) == nil)
        #expect(fast(["run", "a"], environment: ["FUNNEL_LOCK_TIMEOUT": "soon"]) == nil)
        // --today decides over FUNNEL_TODAY, as in the full parser's check.
        #expect(fast(["--today", "2026-06-30", "-c", "x"], environment: ["FUNNEL_TODAY": "tomorrow"])
            == .root(RootInvocation(settings: GlobalSettings(today: "2026-06-30"), statements: ["x"])))
        #expect(fast(["--charset", "ASCII", "-c", "x"], environment: ["FUNNEL_CHARSET": "latin1", "FUNNEL_LOCK_TIMEOUT": "2.5"])
            == .root(RootInvocation(settings: GlobalSettings(charset: "ASCII"), statements: ["x"])))
    }

    @Test func theChecksAreTheFullParsersMessages() {
        #expect(GlobalSettings(format: "xml").problem(environment: Self.noEnvironment)
            == "unknown format 'xml'; use table, csv, tsv, json, markdown, box, line")
        #expect(GlobalSettings(charset: "ebcdic").problem(environment: Self.noEnvironment) == "unknown charset 'ebcdic'; use unicode or ascii")
        #expect(GlobalSettings().problem(environment: { $0 == "FUNNEL_LOCK_TIMEOUT" ? "90000" : nil })
            == "FUNNEL_LOCK_TIMEOUT is '90000'; write a number of seconds from 0 to 86400")
        #expect(GlobalSettings(format: "JSON", today: "2026-06-30", charset: "Unicode").problem(environment: Self.noEnvironment) == nil)
        do {
            _ = try Funnel.parseAsRoot(["--format", "xml"])
            Issue.record("--format xml was accepted")
        } catch {
            #expect(Funnel.fullMessage(for: error).hasPrefix("Error: unknown format 'xml'; use table, csv, tsv, json, markdown, box, line\n"))
            #expect(Funnel.exitCode(for: error).rawValue == 64)
        }
    }

    /// Every line of up to three words from a vocabulary of options, values and traps, and a
    /// sample of longer ones: each the fast path reads must be read the same by the full parser.
    @Test func theFastPathReadsEveryLineAsTheFullParserDoes() {
        let words = ["-c", "-cmd", "-init", "--store", "--format", "--today", "--charset", "--keep-going", "--quiet",
                     "--stream", "--version", "--help", "-h", "run", "check", "help", "--", "-x", "show fields",
                     "s.store", "csv", "JSON", "2026-06-30", "ascii", "a.funnel", "-- note", "", "--store=s"]
        var lines: [[String]] = [[]]
        for length in 1...3 {
            lines += (0..<power(words.count, length)).map { n in
                (0..<length).map { k in words[(n / power(words.count, k)) % words.count] }
            }
        }
        // A fixed linear congruential sequence: the same longer lines every run.
        var seed: UInt64 = 11
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<4000 {
            lines.append((0..<(4 + next(5))).map { _ in words[next(words.count)] })
        }
        var taken = 0
        for line in lines {
            guard let f = fast(line) else { continue }
            taken += 1
            let parsed = full(line)
            #expect(parsed == f, "\(line)")
        }
        // The fast path is taken for a good share of them (not a check that holds by declining everything).
        #expect(taken > 2000, "\(taken) of \(lines.count)")
    }

    func power(_ base: Int, _ exponent: Int) -> Int { (0..<exponent).reduce(1) { r, _ in r * base } }
}
