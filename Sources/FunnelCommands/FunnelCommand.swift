import ArgumentParser
import FunnelCore
import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// Options every form of the command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The store directory, or a postgres:// URL for a team store (default: $FUNNEL_STORE, else ./funnel.store).", valueName: "dir"))
    var store: String?

    @Option(help: ArgumentHelp("Output format: table, csv, tsv, json, markdown, box or line.", valueName: "fmt"))
    var format: String?

    @Option(help: ArgumentHelp("Today's date, YYYY-MM-DD (default: $FUNNEL_TODAY, else the system date).", valueName: "date"))
    var today: String?

    @Option(help: ArgumentHelp("Characters of terminal charts: unicode or ascii (default: $FUNNEL_CHARSET, else unicode on a UTF-8 locale).", valueName: "set"))
    var charset: String?

    @Flag(help: "Report each failing statement and keep the rest, instead of stopping and keeping nothing.")
    var keepGoing = false

    @Flag(help: "Print only results, warnings and errors: no summaries (imports, check rules, done, ack, funnel check), no \"wrote N rows\" lines, no REPL confirmations.")
    var quiet = false

    @Flag(help: "Piped standard input: run each entry as it arrives, as its own transaction, instead of parsing the whole script first.")
    var stream = false

    var settings: GlobalSettings {
        GlobalSettings(store: store, format: format, today: today, charset: charset, keepGoing: keepGoing, quiet: quiet, stream: stream)
    }

    func validate() throws {
        if let problem = settings.problem(environment: environment) { throw ValidationError(problem) }
    }

    var storePath: String { settings.storePath }

    var storeAddress: StoreAddress { settings.storeAddress }

    func makeSession(interactive: Bool = false) throws -> Session { try settings.makeSession(interactive: interactive) }
}

/// A directory or a team database; a database's local cache lives under the user's cache folder.
func openStore(_ text: String, lockTimeout: Double = FileStore.defaultLockTimeout) -> Store {
    StoreAddress(text).open(cacheRoot: StoreAddress.cacheRoot(environment: ProcessEnvironment.variables),
                            lockTimeout: lockTimeout)
}

func environment(_ name: String) -> String? { ProcessEnvironment.value(name) }

/// The width terminal charts fit: COLUMNS when it is a number, else the terminal's width,
/// else (a pipe or a file) 80 columns, so a chart in a file does not depend on the window
/// of whoever ran it.
func chartWidth() -> Int {
    if let c = environment("COLUMNS").flatMap({ Int($0) }), c > 0, c <= 10_000 { return c }
    if isatty(1) == 1, let w = terminalWidth() { return w }
    return ChartRenderer.defaultWidth
}

func terminalWidth() -> Int? {
    var w = winsize()
    guard ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 else { return nil }
    return Int(w.ws_col)
}

struct Funnel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "A small language for sales-opportunity funnels.",
        discussion: "With no subcommand: the REPL on a terminal, or a script read from standard input. "
            + "Exit codes: 0 success, 1 a statement failed, 64 bad usage, 65 a syntax or name error, "
            + "74 a file or store could not be read or written.",
        version: FunnelVersion.string,
        subcommands: [Run.self, Check.self, Verify.self, Undo.self, Init.self, Migrate.self, Copy.self])

    @OptionGroup var options: GlobalOptions

    // `.unconditionalSingleValue`: the statement after -c is taken whatever it starts with,
    // so `-c '-- a note' ...` is a statement, not an unknown option.
    @Option(name: .customShort("c"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Run a statement (or a few, separated by ';'); repeat -c to run several, in order.", valueName: "statement"))
    var command: [String] = []

    @Option(name: .customLong("init", withSingleDash: true),
            help: ArgumentHelp("Run FILE first (instead of ~/.funnelrc in the REPL).", valueName: "file"))
    var initFile: String?

    @Option(name: .customLong("cmd", withSingleDash: true), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Run a statement before the others or the REPL; may be repeated.", valueName: "statement"))
    var startup: [String] = []

    mutating func run() throws {
        try RootInvocation(settings: options.settings, statements: command, initFile: initFile, startup: startup).run()
    }
}

/// Statements given on the command line. The arguments arrive decoded, with invalid UTF-8
/// already replaced by U+FFFD; such an argument is taken from the raw bytes instead, so
/// the lexer reports the bad byte as it does in a script file.
enum CommandLineText {
    /// The subcommands' names and `help`: a first word among them is a subcommand, not a
    /// statement. Written out rather than read from `Funnel.configuration.subcommands`, whose
    /// names ArgumentParser derives from the types by reflection, at a cost every command would
    /// pay at start; `FastCommandLineTests` checks the two agree. (Arrays: a `Set` of eight
    /// words costs more to build than every look-up a command line makes.)
    static let subcommands = ["run", "check", "verify", "undo", "init", "migrate", "copy", "help"]
    static let optionsWithValue = ["--store", "--format", "--today", "--charset", "-c", "-init", "-cmd"]

    /// `funnel --store s 'pipeline'` as `sqlite3 DB 'SQL'`: unless the first positional
    /// argument names a subcommand, every positional argument is a statement, and becomes
    /// `-c STATEMENT` where it stands, so the order of all of them is kept.
    static func arguments(_ args: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        var positionalOnly = false
        var seenStatement = false
        while i < args.count {
            let a = args[i]
            if !positionalOnly {
                if a == "--" { positionalOnly = true; i += 1; continue }
                if optionsWithValue.contains(a) {
                    out.append(a)
                    if i + 1 < args.count { out.append(args[i + 1]) }
                    i += 2
                    continue
                }
                if a.hasPrefix("-") { out.append(a); i += 1; continue }
                if !seenStatement && subcommands.contains(a) {
                    return out + args[i...]
                }
            }
            out += ["-c", a]
            seenStatement = true
            i += 1
        }
        return out
    }

    static func source(_ text: String, name: String) -> SourceFile {
        if text.contains("\u{FFFD}") {
            for i in 0..<Int(CommandLine.argc) {
                guard let p = CommandLine.unsafeArgv[i] else { continue }
                let raw = Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
                if String(validating: raw, as: UTF8.self) == nil, String(decoding: raw, as: UTF8.self) == text {
                    return SourceFile(name: name, bytes: raw)
                }
            }
        }
        return SourceFile(name: name, text: text)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scripts, each as one transaction, in order.",
        discussion: "Every file is parsed first: a syntax error anywhere runs nothing. Relative paths inside a script are taken from its folder.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("Script files.", valueName: "file"))
    var files: [String]

    mutating func run() throws {
        try RunInvocation(settings: options.settings, files: files).run()
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse, resolve and lint scripts without running them.",
        discussion: "Names are resolved against the store's declarations plus the script's own. Design warnings do not fail the check.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("Script files.", valueName: "file"))
    var files: [String]

    mutating func run() throws {
        let session = try options.makeSession()
        defer { session.close() }
        throw ExitCode(session.check(files))
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a store's journal: every line's checksum and every event.")

    @OptionGroup var options: GlobalOptions

    mutating func run() throws {
        let out = OutputSink.standardOutput, err = OutputSink.standardError
        let address = options.storeAddress
        let report: VerifyReport
        switch address {
        case .directory(let path): report = StoreVerifier.verify(directory: path)
        case .postgres(let url): report = PostgresVerifier.verify(url: url)
        }
        for p in report.problems { err.line(DiagnosticRenderer.render(p)) }
        out.line("\(address.display): \(report.events) events in \(report.commits) commits"
                 + (report.segments > 0 ? ", \(report.segments) segment\(report.segments == 1 ? "" : "s")" : "")
                 + (report.uncommittedTailLines > 0 ? ", \(report.uncommittedTailLines) uncommitted line(s) at the end (an interrupted write; ignored)" : "")
                 + (report.temporaryFiles.isEmpty ? "" : ", \(report.temporaryFiles.count) temporary segment file(s) of an interrupted write (the next write removes them)")
                 + (report.snapshotTemporaryFiles.isEmpty ? "" : ", \(report.snapshotTemporaryFiles.count) temporary snapshot file(s) of an interrupted snapshot write (the next write removes them)")
                 + (report.problems.isEmpty ? "; no problems" : "; \(report.problems.count) problem(s)"))
        for line in report.takenBack { out.line("taken back: " + line) }
        if let note = report.snapshotNote {
            out.line("note: the snapshot is not used: \(note); it is only a cache, and the next command rebuilds it from the journal")
        }
        out.flush(); err.flush()
        throw ExitCode(report.problems.isEmpty ? ExitStatus.success : ExitStatus.io)
    }
}
