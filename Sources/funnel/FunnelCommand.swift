import ArgumentParser
import Foundation
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

    func validate() throws {
        if let f = format, OutputFormat(rawValue: f.lowercased()) == nil {
            throw ValidationError("unknown format '\(f)'; use " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let t = environment("FUNNEL_LOCK_TIMEOUT"), Double(t).map({ !($0 >= 0 && $0 <= 86_400) }) ?? true {
            throw ValidationError("FUNNEL_LOCK_TIMEOUT is '\(t)'; write a number of seconds from 0 to 86400")
        }
        if let c = charset ?? environment("FUNNEL_CHARSET"), ChartRenderer.Charset(rawValue: c.lowercased()) == nil {
            throw ValidationError("unknown charset '\(c)'; use unicode or ascii")
        }
        if let t = today ?? environment("FUNNEL_TODAY"), Calendar.parseISO(t) == nil {
            throw ValidationError("'\(t)' is not a date; \(DotCommand.dateHelp(t))")
        }
    }

    var storePath: String { store ?? environment("FUNNEL_STORE") ?? "funnel.store" }

    var storeAddress: StoreAddress { StoreAddress(storePath) }

    func sessionOptions() -> SessionOptions {
        let day = (today ?? environment("FUNNEL_TODAY")).flatMap { Calendar.parseISO($0) } ?? Calendar.systemToday()
        var o = SessionOptions(today: day)
        o.format = format.flatMap { OutputFormat(rawValue: $0.lowercased()) } ?? .table
        o.keepGoing = keepGoing
        o.quiet = quiet
        o.charset = (charset ?? environment("FUNNEL_CHARSET")).flatMap { ChartRenderer.Charset(rawValue: $0.lowercased()) }
            ?? ChartRenderer.Charset.fromLocale(ProcessInfo.processInfo.environment)
        return o
    }

    /// Seconds a writer waits for another writer's lock: FUNNEL_LOCK_TIMEOUT, else the store's default.
    var lockTimeout: Double {
        environment("FUNNEL_LOCK_TIMEOUT").flatMap(Double.init) ?? FileStore.defaultLockTimeout
    }

    func makeSession(interactive: Bool = false) throws -> Session {
        // Past `ulimit -f` the kernel kills a writer with SIGXFSZ, mid-write and without a word;
        // ignored, the write fails with EFBIG ("File too large"), which is reported and rolled back.
        signal(SIGXFSZ, SIG_IGN)
        var o = sessionOptions()
        if interactive { o.bail = false; o.confirmChanges = true }
        if isatty(1) == 1 { o.terminalWidth = terminalWidth() }
        o.chartWidth = chartWidth()
        let err = OutputSink.standardError
        do {
            let timeout = lockTimeout
            return try Session(store: openStore(storePath, lockTimeout: timeout), options: o, out: .standardOutput, err: err,
                               openStore: { openStore($0, lockTimeout: timeout) })
        } catch let d as Diagnostic {
            err.line(DiagnosticRenderer.render(d))
            err.flush()
            throw ExitCode(d.exitCode)
        }
    }
}

/// A directory or a team database; a database's local cache lives under the user's cache folder.
func openStore(_ text: String, lockTimeout: Double = FileStore.defaultLockTimeout) -> Store {
    StoreAddress(text).open(cacheRoot: StoreAddress.cacheRoot(environment: ProcessInfo.processInfo.environment),
                            lockTimeout: lockTimeout)
}

func environment(_ name: String) -> String? {
    guard let v = getenv(name) else { return nil }
    let s = String(cString: v)
    return s.isEmpty ? nil : s
}

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

@main
struct Funnel: ParsableCommand {
    static func main() {
        main(CommandLineText.arguments(Array(CommandLine.arguments.dropFirst())))
    }

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
        let entries = command
        let interactive = entries.isEmpty && isatty(0) == 1
        let session = try options.makeSession(interactive: interactive)
        // -init FILE, else ~/.funnelrc for the REPL only: a script or -c must not depend on a
        // personal file. Then each -cmd. A failure there stops everything but the REPL.
        var setup: [SourceFile] = []
        if let initFile {
            do { setup.append(try ScriptFile.load(initFile)) } catch let d as Diagnostic {
                session.report([d])
                throw ExitCode(d.exitCode)
            }
        } else if interactive, let home = environment("HOME"), let rc = try? ScriptFile.load(home + "/.funnelrc") {
            setup.append(rc)
        }
        setup += startup.map { CommandLineText.source($0, name: "<-cmd>") }
        for source in setup {
            let status = session.runScript(source)
            if status != ExitStatus.success && !interactive {
                session.close()
                throw ExitCode(status)
            }
        }
        if !entries.isEmpty {
            // Each -c (a positional statement is one, see `CommandLineText.arguments`) is its own transaction, in order; the
            // first that fails stops the rest, unless --keep-going.
            var status = ExitStatus.success
            for entry in entries {
                let s = session.runScript(CommandLineText.source(entry, name: "<command line>"))
                status = max(status, s)
                if s != ExitStatus.success && !options.keepGoing { break }
                if session.quitRequested { break }
            }
            session.close()
            throw ExitCode(status)
        }
        if interactive {
            Interrupt.install()
            session.isInterrupted = { Interrupt.isPending }
            Cancellation.install { Interrupt.isPending }
            session.colorDiagnostics = isatty(2) == 1 && environment("NO_COLOR") == nil && environment("TERM") != "dumb"
            let history = HistoryFile.defaultPath(environment: ProcessInfo.processInfo.environment).map { HistoryFile(path: $0) }
            let status = REPL(session: session, storePath: options.storeAddress.display, reader: ReadlineLineReader(historyFile: history)).run()
            session.close()
            throw ExitCode(status)
        }
        if options.stream {
            let status = StreamRunner(session: session).run()
            session.close()
            throw ExitCode(status)
        }
        let bytes: [UInt8]
        do { bytes = try ScriptFile.readDescriptor(0, name: "<stdin>") } catch let d as Diagnostic {
            session.report([d])
            throw ExitCode(d.exitCode)
        }
        let status = session.runScript(SourceFile(name: "<stdin>", bytes: bytes))
        session.close()
        throw ExitCode(status)
    }
}

/// Statements given on the command line. The arguments arrive decoded, with invalid UTF-8
/// already replaced by U+FFFD; such an argument is taken from the raw bytes instead, so
/// the lexer reports the bad byte as it does in a script file.
enum CommandLineText {
    /// The subcommands' names (`Funnel.configuration.subcommands`, by ArgumentParser's naming
    /// of their types) and `help`: a first word among them is a subcommand, not a statement.
    static let subcommands: Set<String> = Set(Funnel.configuration.subcommands.map { $0._commandName } + ["help"])
    static let optionsWithValue: Set<String> = ["--store", "--format", "--today", "--charset", "-c", "-init", "-cmd"]

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
        let session = try options.makeSession()
        defer { session.close() }
        var scripts: [(SourceFile, ParseResult)] = []
        var failed: Int32 = 0
        for path in files {
            do {
                let source = try ScriptFile.load(path)
                let parsed = Parser.parse(source)
                if !parsed.diagnostics.isEmpty {
                    session.report(parsed.errorsAndWarnings, unlisted: parsed.unlistedErrors)
                    failed = max(failed, ExitStatus.syntax)
                } else if parsed.statements.isEmpty {
                    session.report([Diagnostic(.runtime, "F005", "\(path) has no statements; nothing to run", severity: .warning)])
                }
                scripts.append((source, parsed))
            } catch let d as Diagnostic {
                session.report([d])
                failed = max(failed, d.exitCode)
            }
        }
        if failed != 0 { throw ExitCode(failed) }
        var status = ExitStatus.success
        for (source, parsed) in scripts {
            let s = session.runScript(parsed, file: source)
            status = max(status, s)
            if s != ExitStatus.success && !options.keepGoing { break }
        }
        // What was kept, for the person watching: on a terminal only, so that output captured
        // by a program or a test stays as it was.
        if !options.quiet, status == ExitStatus.success || options.keepGoing, isatty(2) == 1 {
            session.report([])
            OutputSink.standardError.line(session.keptSummary)
        }
        throw ExitCode(status)
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
