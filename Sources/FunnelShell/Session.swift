import Foundation
import FunnelCore
#if canImport(Glibc)
import Glibc
#endif

public struct SessionOptions: Sendable {
    public var format: OutputFormat = .table
    public var keepGoing = false
    public var quiet = false
    /// Confirm each change in one line (the REPL).
    public var confirmChanges = false
    /// Stop a script at the first error (the default for runs; `.bail off` in the REPL
    /// carries on, like sqlite3).
    public var bail = true
    /// `.headers off` leaves out the header line of table, box, csv and tsv results.
    public var headers = true
    /// `.echo on` prints each statement before it runs.
    public var echo = false
    /// `.nullvalue TEXT`.
    public var nullText: String?
    /// `.width N ...`.
    public var widths: [Int] = []
    public var today: Int32
    /// Width to fit tables into, when the output is a terminal.
    public var terminalWidth: Int?
    /// The width terminal charts fit: COLUMNS, else the terminal's, else 80 (docs/charts.md).
    public var chartWidth = ChartRenderer.defaultWidth
    /// Block characters on a UTF-8 locale, ASCII otherwise; `--charset` decides when given.
    public var charset: ChartRenderer.Charset = .unicode
    public init(today: Int32) { self.today = today }
}

/// A conversation with one store: loads its state, runs scripts and REPL entries as
/// transactions, carries out session commands and renders results. The core never prints;
/// this is where output happens.
public final class Session {
    public private(set) var store: Store
    public var options: SessionOptions
    /// The state as committed in the store, up to `position`.
    var committed: FunnelState
    var position: Int64 = 0
    /// Where in the journal the snapshot this session last read or wrote ends (0: none),
    /// and what was added since beyond the journal bytes after it (segments), for deciding
    /// when to write the next one.
    var snapshotPosition: Int64 = 0
    var unsnapshottedBytes: Int64 = 0
    /// The latest effective date of every committed event, this session's own included
    /// (`latestChange` leaves those out, so the early-today warning stays as it was).
    var journalLatestChange = Int32.min
    let interpreter: Interpreter
    let out: OutputSink
    let err: OutputSink
    var onceSink: OutputSink?
    /// Confirmations of this entry's changes, held until the entry commits: a change rolled
    /// back must not be shown as done.
    var heldConfirmations: [String] = []
    /// Files this entry wrote, kept under temporary names until it commits (StagedFiles.swift).
    var stagedFiles = StagedFiles()
    /// What this session has committed, for `funnel run`'s closing line.
    public private(set) var keptStatements = 0
    var keptEvents: [(type: String, count: Int)] = []
    /// Confirmations shown before the entry ended (a result followed them).
    var shownConfirmations = 0
    /// A delivery committed part of the entry being run (Delivery.swift).
    var committedEarly = false
    /// The format `.once FILE` chose from FILE's extension, for the one result it takes.
    var onceFormat: OutputFormat?
    var outputSink: OutputSink?
    public var timer = false
    /// Asked between statements; true cancels the entry being run (Ctrl-C in the REPL).
    public var isInterrupted: () -> Bool = { false } {
        didSet { out.isInterrupted = isInterrupted }
    }
    /// Colour the severity of diagnostics (a terminal without NO_COLOR).
    public var colorDiagnostics = false
    var warnedMissingStore = false
    /// The latest effective date in the journal, to warn when today is set before it.
    var latestChange = Int32.min
    var warnedEarlyToday = false
    public private(set) var quitRequested = false
    var readDepth = 0
    /// Opens another store for `.open`.
    let openStore: (String) -> Store
    /// Journal positions of every run this session committed, and of those `undo` may still
    /// take back, newest last (Session+Undo.swift).
    var ownRuns: [ClosedRange<Int64>] = []
    var undoable: [ClosedRange<Int64>] = []
    /// Asks the person whether to go ahead (`undo`); nil where nobody can answer, and
    /// `undo` is then refused.
    public var confirm: ((String) -> Bool)?

    public init(store: Store, options: SessionOptions, out: OutputSink = .standardOutput, err: OutputSink = .standardError,
                openStore: @escaping (String) -> Store) throws {
        self.store = store
        self.options = options
        self.out = out
        self.err = err
        self.openStore = openStore
        self.committed = FunnelState()
        self.interpreter = Interpreter(state: FunnelState(), today: options.today)
        interpreter.courier = CommandCourier()
        interpreter.user = ProcessEnvironment.variables["FUNNEL_USER"] ?? ProcessEnvironment.variables["USER"]
        // A part of the store read on first use that can be had from nowhere (StoreFailure.swift).
        nonisolated(unsafe) let failureOut = out, failureErr = err
        StoreFailure.handler = { d in
            failureOut.flush()
            failureErr.line(DiagnosticRenderer.render(d))
            failureErr.flush()
            exit(ExitStatus.io)
        }
        try refresh()
        // A delivered notification's mark is committed at once (Delivery.swift).
        interpreter.commitNow = { [unowned self] in
            try self.commitPending()
            // Those changes are kept now, whatever fails later in the entry.
            self.releaseConfirmations()
            self.shownConfirmations = 0
            self.committedEarly = true
        }
    }

    public var state: FunnelState { interpreter.state }

    /// Brings the state up to the store's latest commit. Events this session committed
    /// itself are already applied and are skipped by sequence number.
    func refresh() throws {
        if position == 0, committed.lastSeq == 0, let files = store.snapshots,
           let opened = SnapshotCache.open(files, loadSegment: segmentLoader()),
           let resumed = try store.resume(afterSnapshot: opened.header) {
            committed = opened.state
            position = resumed
            latestChange = max(latestChange, opened.header.latestChange)
            snapshotPosition = opened.header.journalPosition
        }
        var (events, newPosition) = try store.readCommitted(after: position)
        // The snapshot holds no erasures: a deletion or undo after it means the whole journal
        // is replayed, as for a store without a snapshot.
        // Nor people, quotas and deliveries (PeopleBook): those too mean a whole replay.
        // Events after it may change the parts it left to be read on first use: those are
        // read now, where a damaged one means the whole replay too (Deferred.swift).
        if committed.logPrefix != nil,
           events.contains(where: { $0.eventType?.needsWholeReplay ?? false })
            || (events.contains { $0.seq > committed.lastSeq } && (try? committed.loadDeferredParts()) == nil) {
            committed = FunnelState()
            position = 0
            snapshotPosition = 0
            (events, newPosition) = try store.readCommitted(after: 0)
        }
        committed.loadSegment = segmentLoader()
        if try loadErasingJournal(events) {
            position = newPosition
            interpreter.reset(to: committed)
            return
        }
        var importedRows = 0
        for e in events where e.seq > committed.lastSeq {
            guard let event = DomainEvent(e) else {
                throw Diagnostic(.io, "S011", "\(store.location): event \(e.seq) (\(e.type)) is not a funnel event",
                                 help: "run `funnel verify`; the journal may have been edited by hand")
            }
            do {
                try committed.apply(event, on: e.on, origin: e.origin)
            } catch let d as Diagnostic {
                throw Diagnostic(.io, "S012", "\(store.location): event \(e.seq) cannot be replayed: \(d.message)",
                                 help: "run `funnel verify`; the journal may have been edited by hand")
            }
            committed.lastSeq = e.seq
            // A declaration is dated the day it ran; a backfill with --today declares today and
            // dates its deals earlier, which is no reason to warn.
            if e.eventType?.datesAChange ?? true { latestChange = max(latestChange, e.on) }
            if case let .imported(_, _, _, _, rows) = event { importedRows += rows }
        }
        position = newPosition
        interpreter.reset(to: committed)
        // A snapshot missing, stale or damaged is rebuilt quietly once replaying costs more
        // than writing it; any process may do it (SnapshotCache.write).
        unsnapshottedBytes += Int64(importedRows) * Self.importedRowBytes
        // A team store's cursor is a seq; its snapshot measures growth in its cache's journal.
        if !events.isEmpty {
            writeSnapshotIfDue(journalEnd: store is FileStore ? newPosition : store.snapshots?.committedEndOfJournal()?.position ?? 0)
        }
    }

    /// About what an imported row costs to replay, in journal bytes, so a large import makes
    /// a snapshot as soon as a large journal does.
    static let importedRowBytes: Int64 = 64

    // MARK: - Running

    /// Runs a whole script as one transaction and returns the exit code. The script is
    /// parsed and checked whole first (`Compiler`): a syntax or name error runs nothing.
    public func runScript(_ file: SourceFile) -> Int32 { runScript(Parser.parse(file), file: file) }

    /// The same for a script already parsed (the REPL parses to see whether an entry is
    /// complete; `funnel run` parses every file before running the first).
    public func runScript(_ parsed: ParseResult, file: SourceFile) -> Int32 {
        switch Compiler.compile(parsed, file: file, catalog: committed.catalog, importFiles: importHeaders) {
        case .failure(let f):
            report(f.diagnostics, unlisted: f.unlisted)
            return f.exitCode
        case .success(let program):
            return run(program)
        }
    }

    /// Runs a checked program as one transaction.
    func run(_ program: CheckedProgram) -> Int32 {
        let file = program.file
        let statements = program.statements
        let writes = program.writes
        if !program.warnings.isEmpty { report(program.warnings) }
        if statements.contains(where: { $0.statement.kind == .undo }) { return undo(statements, file: file) }
        interpreter.plannedMappings = Interpreter.mappings(following: statements, file: file)
        // A query on a store that does not exist is most often a mistyped --store.
        if !writes, !warnedMissingStore, !store.exists, program.hasQuery {
            warnedMissingStore = true
            report([Diagnostic(.io, "S030", "there is no store at \(store.location) yet; queries find nothing",
                               help: "check --store (or FUNNEL_STORE); a store is created by its first change", severity: .warning)])
        }
        // With today before the store's last change, ages and days in stage go negative.
        if !warnedEarlyToday, options.today < latestChange, program.hasQuery {
            warnedEarlyToday = true
            report([Diagnostic(.runtime, "S031", "today (\(Calendar.format(options.today))) is before the store's last change (\(Calendar.format(latestChange))); ages and days in stage count from today",
                               help: "to see the pipeline as it was, keep today and use `as of \(Calendar.format(options.today))`", severity: .warning)])
        }
        do {
            // runTransaction brings the state up to the latest commit first (under the lock
            // when the run writes).
            if writes {
                return try store.withWriterLock { try runTransaction(statements, file: file) }
            }
            return try runTransaction(statements, file: file)
        } catch let d as Diagnostic {
            report([d])
            interpreter.reset(to: committed)
            dropConfirmations()
            return d.exitCode
        } catch {
            report([Diagnostic(.io, "S000", "\(error)")])
            interpreter.reset(to: committed)
            dropConfirmations()
            return ExitStatus.io
        }
    }

    /// Statements that change the store, so the run takes the writer lock.
    func runTransaction(_ statements: [CheckedStatement], file: SourceFile) throws -> Int32 {
        if readDepth == 0 { try refresh(); shownConfirmations = 0; committedEarly = false }
        var status = ExitStatus.success
        var succeeded = 0
        for s in statements {
            if quitRequested { break }
            if isInterrupted() { throw Cancellation.interrupted }
            // Timed only when the timer was on before the statement, so `.timer on` itself is not.
            let timing = timer
            let started = timing ? monotonicSeconds() : 0
            if options.echo { write(file.text(s.statement.range)) }
            markStatement(s, file: file)
            do {
                let output = try interpreter.execute(s, file: file)
                try show(output, for: s.statement, file: file)
                out.flush()
                if out.interrupted {
                    out.interrupted = false
                    throw Cancellation.interrupted
                }
            } catch let d as Diagnostic {
                // An interrupt cancels the whole entry, whatever .bail says.
                if d.code == "C010" { throw d }
                report([d])
                status = max(status, d.exitCode == ExitStatus.syntax ? ExitStatus.statementFailed : d.exitCode)
                if !options.keepGoing && options.bail {
                    if readDepth == 0 { interpreter.reset(to: committed); dropConfirmations() }
                    flushOutputs()
                    return status
                }
            }
            succeeded += 1
            if timing && timer { write(String(format3: monotonicSeconds() - started)) }
            flushOutputs()
        }
        if readDepth == 0 {
            for e in interpreter.pending {
                if let i = keptEvents.firstIndex(where: { $0.type == e.type }) { keptEvents[i].count += 1 } else { keptEvents.append((e.type, 1)) }
            }
            keptStatements += succeeded
            mark("end")
            try commitPending()
            try publishFiles(file: file)
            releaseConfirmations()
            shownConfirmations = 0
        }
        return status
    }

    func commitPending() throws {
        guard !interpreter.pending.isEmpty else { return }
        let isUndo = interpreter.pending.count == 1 && interpreter.pending[0].eventType == .undo
        let segmentBytes = interpreter.pendingSegments.reduce(0) { $0 + Int64($1.bytes.count) }
        let written = try store.commit(events: interpreter.pending, segments: interpreter.pendingSegments.map(\.bytes))
        if let first = written.first?.seq, let last = written.last?.seq {
            ownRuns.append(first...last)
            if !isUndo { undoable.append(first...last) }
        }
        interpreter.clearPending()
        committed = interpreter.state
        // The segments are on disk now; the copies in memory can go.
        committed.loadSegment = segmentLoader()
        committed.lastSeq = written.last?.seq ?? committed.lastSeq
        interpreter.reset(to: committed)
        journalLatestChange = written.reduce(max(journalLatestChange, latestChange)) { max($0, $1.on) }
        unsnapshottedBytes += segmentBytes
        if let end = store.snapshots?.committedEndOfJournal() { writeSnapshotIfDue(journalEnd: end.position) }
    }

    /// After a commit (still under the writer lock) or a replay: a new snapshot once the
    /// journal and segments have grown enough since the last one (SnapshotCache.rewriteAfterBytes).
    func writeSnapshotIfDue(journalEnd: Int64) {
        // A state with erasures replays its whole log whenever it changes (Erasure.swift); the
        // snapshot holds neither them nor people, quotas and deliveries, so such a store is not
        // snapshotted (it replays its journal, as before snapshots).
        let people = committed.people
        guard committed.erasure.isEmpty,
              people.order.isEmpty, people.quotas.isEmpty, people.submissions.isEmpty, people.delivery == nil, people.delivered.isEmpty,
              let files = store.snapshots,
              journalEnd - snapshotPosition + unsnapshottedBytes >= SnapshotCache.rewriteAfterBytes,
              SnapshotCache.write(committed, to: files, latestChange: max(journalLatestChange, latestChange)) != nil else { return }
        snapshotPosition = journalEnd
        unsnapshottedBytes = 0
    }

    // MARK: - Output

    /// The session's choices for drawing a result; the terminal width only for a table.
    func renderOptions(for format: OutputFormat?) -> RenderOptions {
        var r = RenderOptions()
        r.maxWidth = format == .table ? options.terminalWidth : nil
        r.headers = options.headers
        r.nullText = options.nullText
        r.widths = options.widths
        return r
    }

    func show(_ output: StatementOutput, for s: Statement, file: SourceFile) throws {
        switch output {
        case .none:
            if options.confirmChanges, !options.quiet, let text = Confirmation.text(for: s, file: file) { heldConfirmations.append(text) }
        case .table(let t):
            if case .query(let q) = s.kind, let target = q.output {
                try writeTable(t, to: target, file: file)
            } else if case .export(_, _, _, let target, let bom) = s.kind {
                try writeTable(t, to: target, bom: bom, file: file)
            } else {
                let format = currentFormat
                write(Renderer.render(t, as: format, options: renderOptions(for: format)))
            }
        case .text(let text): write(text)
        case .chart(let chart):
            if let target = Self.documentTarget(of: s) {
                try writeDocument(SVGChartRenderer.render(chart), to: target, what: "chart", file: file)
            } else if currentFormat == .table {
                write(ChartRenderer.render(chart, width: options.chartWidth, charset: options.charset))
            } else {
                write(Renderer.render(chart.table, as: currentFormat, options: renderOptions(for: nil)))
            }
        case .report(let page):
            if let target = Self.documentTarget(of: s) {
                try writeDocument(HTMLReportRenderer.render(page), to: target, what: "report", file: file)
            }
        case .message(let m): if !options.quiet { write(m) }
        case .sessionCommand(let text): try runSessionCommand(text, statement: s, file: file)
        case let .withWarnings(inner, warnings):
            // Warnings first: they explain the figures that follow (rows an import skipped).
            report(warnings)
            try show(inner, for: s, file: file)
        }
    }

    /// `... to "file.csv"`: the format follows the extension.
    func writeTable(_ t: ResultTable, to target: Expr, bom: Bool? = nil, file: SourceFile) throws {
        guard case .string(let name) = target.kind else { return }
        let path = Self.resolvePath(name, relativeTo: file)
        guard let format = OutputFormat.forFile(name) else { throw OutputFormat.unknownExtension(name, file: file, range: target.range) }
        let staged = stagedFiles.path(for: path)
        guard let sink = OutputSink.file(staged) else {
            let reason = String(cString: strerror(errno))
            stagedFiles.forget(staged)
            throw Diagnostic(.io, "R131", "cannot write \(path): \(reason)", file: file, range: target.range)
        }
        // A .csv file is for spreadsheets: CRLF lines and, for non-ASCII text, a BOM.
        if format == .csv { sink.write(DelimitedRenderer.csvFile(t, bom: bom)) } else { sink.line(Renderer.render(t, as: format)) }
        sink.close()
        if sink.failed {
            if staged != path { unlink(staged) }
            stagedFiles.forget(staged)
            throw Diagnostic(.io, "R131", "cannot write \(path)", file: file, range: target.range)
        }
        if !options.quiet { write("wrote \(t.rows.count) row\(t.rows.count == 1 ? "" : "s") to \(name)") }
    }


    /// The `to "file"` of a chart or a report.
    static func documentTarget(of s: Statement) -> Expr? {
        switch s.kind {
        case .chart(let q): return q.output
        case .chartFunnel(let view), .report(let view): return view.clauses.output
        default: return nil
        }
    }

    /// A chart's SVG or the report's HTML, written whole: a file that cannot be written is
    /// an error, and what was written of it is removed.
    func writeDocument(_ text: String, to target: Expr, what: String, file: SourceFile) throws {
        guard case .string(let name) = target.kind else { return }
        let path = Self.resolvePath(name, relativeTo: file)
        let staged = stagedFiles.path(for: path)
        guard let sink = OutputSink.file(staged) else {
            let reason = String(cString: strerror(errno))
            stagedFiles.forget(staged)
            throw Diagnostic(.io, "R131", "cannot write \(path): \(reason)", file: file, range: target.range)
        }
        sink.write(text)
        sink.close()
        if sink.failed {
            if staged != path { unlink(staged) }
            stagedFiles.forget(staged)
            throw Diagnostic(.io, "R131", "cannot write \(path)", file: file, range: target.range)
        }
        if !options.quiet { write("wrote \(what) to \(name)") }
    }

    var currentFormat: OutputFormat { onceSink != nil ? onceFormat ?? options.format : options.format }

    /// A relative path in a script is taken from the script's folder; in the REPL and
    /// `-c`, from the current directory.
    static func resolvePath(_ path: String, relativeTo file: SourceFile) -> String {
        ImportPath.resolve(path, relativeTo: file)
    }

    var currentSink: OutputSink { onceSink ?? outputSink ?? out }

    /// `12 statements, 3 deals created, 5 moves — committed`: what the runs kept, in the
    /// order the kinds of change first appeared.
    public var keptSummary: String {
        let parts = ["\(keptStatements) statement\(keptStatements == 1 ? "" : "s")"] + keptEvents.map { e in
            let (one, many) = EventType(rawValue: e.type)?.summaryWords ?? ("\(e.type) event", "\(e.type) events")
            return "\(e.count) \(e.count == 1 ? one : many)"
        }
        return parts.joined(separator: ", ") + (keptEvents.isEmpty ? " — no changes" : " — committed")
    }

    /// Shows the held confirmations; a result printed after a change comes after its line.
    func releaseConfirmations() {
        guard !heldConfirmations.isEmpty else { return }
        let held = heldConfirmations
        heldConfirmations = []
        shownConfirmations += held.count
        for text in held { out.line(text) }
        out.flush()
    }

    /// The entry committed: the files it wrote take their names.
    func publishFiles(file: SourceFile) throws {
        if let failed = stagedFiles.publish().first {
            throw Diagnostic(.io, "R131", "cannot write \(failed.target): \(failed.reason)", file: file)
        }
    }

    /// The entry was rolled back: its changes were never made (those before a delivered
    /// notification were committed with it, and their confirmations shown then), and the
    /// files it wrote are removed.
    func dropConfirmations() {
        let droppedFiles = stagedFiles.discard()
        if !heldConfirmations.isEmpty || shownConfirmations > 0 || droppedFiles > 0 {
            out.line(committedEarly ? "rolled back: nothing from this entry after its last delivery was kept"
                                    : "rolled back: nothing from this entry was kept")
            out.flush()
        }
        heldConfirmations = []
        shownConfirmations = 0
    }

    func write(_ text: String) {
        releaseConfirmations()
        currentSink.line(text)
        if let once = onceSink {
            once.close()
            onceSink = nil
            onceFormat = nil
        }
    }

    /// For the golden-script runner (`FUNNEL_STATEMENT_MARKS=1`): a line `␞FILE:FIRST-LAST`
    /// on both streams before each statement of a run and `␞end` before its commit, so the
    /// runner can put what each statement printed next to it in the script. Off otherwise.
    static let marksStatements = ProcessEnvironment.variables["FUNNEL_STATEMENT_MARKS"] == "1"

    func markStatement(_ s: CheckedStatement, file: SourceFile) {
        guard Self.marksStatements, readDepth == 0 else { return }
        mark("\(file.name):\(file.line(of: s.range.start))-\(file.line(of: max(s.range.start, s.range.end - 1)))")
    }

    func mark(_ text: String) {
        guard Self.marksStatements, readDepth == 0 else { return }
        flushOutputs()
        err.flush()
        out.line("\u{1E}" + text)
        err.line("\u{1E}" + text)
        out.flush()
        err.flush()
    }

    func flushOutputs() {
        out.flush()
        outputSink?.flush()
    }

    /// Prints the first `Parser.listedErrors` diagnostics, then how many more there were, as
    /// imports do for their rows: a script of 200,000 bad lines gets 20 errors and a count,
    /// not 800,000 lines. `unlisted`: errors already dropped uncounted in `diagnostics`.
    public func report(_ diagnostics: [Diagnostic], unlisted: Int = 0) {
        out.flush()
        let shown = diagnostics.prefix(Parser.listedErrors)
        for d in shown {
            let text = DiagnosticRenderer.render(d)
            err.line(colorDiagnostics ? Self.colored(text, d.severity) : text)
        }
        let rest = diagnostics.dropFirst(shown.count)
        let warnings = rest.filter { $0.severity != .error }.count
        let errors = rest.count - warnings + unlisted
        var more: [String] = []
        if errors > 0 { more.append("\(errors) more error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { more.append("\(warnings) more warning\(warnings == 1 ? "" : "s")") }
        if !more.isEmpty { err.line("note: and \(more.joined(separator: " and ")), not shown") }
        err.flush()
    }

    public func close() {
        stagedFiles.discard()
        outputSink?.close()
        onceSink?.close()
        out.flush()
        err.flush()
    }

    // MARK: - Session commands

    func runSessionCommand(_ text: String, statement: Statement, file: SourceFile) throws {
        let command: DotCommand
        do { command = try DotCommand.parse(text) } catch var d as Diagnostic {
            d.file = file
            d.range = statement.range
            throw d
        }
        func fail(_ message: String, help: String? = nil) -> Diagnostic {
            Diagnostic(.usage, "C001", message, file: file, range: statement.range, help: help)
        }
        switch command {
        case .help(let topic):
            guard let text = HelpText.topic(topic) else {
                throw fail("no help on '\(topic ?? "")'", help: "topics: " + HelpText.topics.joined(separator: ", "))
            }
            write(text)
        case .format(let f): options.format = f
        case .once(let path):
            guard let sink = OutputSink.file(Self.resolvePath(path, relativeTo: file)) else {
                throw Diagnostic(.io, "C002", "cannot write \(path): \(String(cString: strerror(errno)))", file: file, range: statement.range)
            }
            onceSink = sink
            // As `... to FILE`: a known extension chooses the format; another keeps the mode.
            onceFormat = OutputFormat.forFile(path)
        case .output(let path):
            outputSink?.close()
            outputSink = nil
            if let path {
                guard let sink = OutputSink.file(Self.resolvePath(path, relativeTo: file)) else {
                    throw Diagnostic(.io, "C002", "cannot write \(path): \(String(cString: strerror(errno)))", file: file, range: statement.range)
                }
                outputSink = sink
            }
        case .read(let path):
            try readScript(Self.resolvePath(path, relativeTo: file), statement: statement, file: file)
        case .open(let path):
            guard interpreter.pending.isEmpty else {
                throw fail(".open cannot switch stores in the middle of a run that has changed the store",
                           help: "put .open before the statements that write")
            }
            store = openStore(StoreAddress.isURL(path) ? path : Self.resolvePath(path, relativeTo: file))
            committed = FunnelState()
            position = 0
            ownRuns = []
            undoable = []
            snapshotPosition = 0
            unsnapshottedBytes = 0
            journalLatestChange = Int32.min
            interpreter.reportedWaiting = [:]
            try refresh()
        case .today(let day):
            options.today = day
            interpreter.today = day
        case .timer(let on): timer = on
        case .bail(let on): options.bail = on
        case .schema: write(Schema.text(state.catalog))
        case .quit: quitRequested = true
        case .explain(let text): write(try explain(text, statement: statement, file: file))
        case .headers(let on): options.headers = on
        case .echo(let on): options.echo = on
        case .nullValue(let text): options.nullText = text
        case .width(let widths): options.widths = widths
        case .print(let text): write(text)
        case .tables: try runInline("show tables", statement: statement, file: file)
        case .cd(let path):
            guard chdir(path) == 0 else {
                throw Diagnostic(.io, "C007", "cannot change to \(path): \(String(cString: strerror(errno)))", file: file, range: statement.range)
            }
        case .shell(let command): try runShell(command, statement: statement, file: file)
        }
    }

    /// The headers of the files imports name, read before anything runs.
    var importHeaders: ImportHeaders { ImportHeaders(source: interpreter.importSource) }

    /// `.explain QUERY`: the plan, checked as a run would check the query, and not run.
    func explain(_ text: String, statement: Statement, file: SourceFile) throws -> String {
        let source = SourceFile(name: "<explain>", text: text)
        switch Compiler.compile(source, catalog: interpreter.state.catalog) {
        case .failure(let f):
            report(f.diagnostics)
            throw Diagnostic(.runtime, "C006", "the query to explain has errors", file: file, range: statement.range)
        case .success(let program):
            guard program.statements.count == 1, let query = program.statements[0].query else {
                throw Diagnostic(.usage, "C001", ".explain takes one query", file: file, range: statement.range,
                                 help: "for example: .explain forecast where stage >= Proposal by team")
            }
            return try interpreter.explain(query, file: source)
        }
    }

    /// A session command that is a statement under another name (`.tables`).
    func runInline(_ text: String, statement: Statement, file: SourceFile) throws {
        let source = SourceFile(name: file.name, text: text)
        guard case .success(let program) = Compiler.compile(source, catalog: interpreter.state.catalog) else { return }
        for s in program.statements { try show(try interpreter.execute(s, file: source), for: s.statement, file: source) }
    }

    /// `.shell CMD`: /bin/sh runs it with funnel's standard input and output; what funnel
    /// printed so far is flushed first so the two do not interleave.
    func runShell(_ command: String, statement: Statement, file: SourceFile) throws {
        flushOutputs()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        do { try p.run() } catch {
            throw Diagnostic(.io, "C008", "cannot run /bin/sh: \(error)", file: file, range: statement.range)
        }
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            report([Diagnostic(.runtime, "C009", "the command exited with status \(p.terminationStatus)", file: file,
                               range: statement.range, severity: .warning)])
        }
    }

    func readScript(_ path: String, statement: Statement, file: SourceFile) throws {
        guard readDepth < 16 else {
            throw Diagnostic(.usage, "C003", ".read is nested too deeply (more than 16 files)", file: file, range: statement.range)
        }
        let source = try ScriptFile.load(path)
        let program: CheckedProgram
        switch Compiler.compile(source, catalog: interpreter.state.catalog, importFiles: importHeaders) {
        case .failure(let f):
            report(f.diagnostics, unlisted: f.unlisted)
            throw Diagnostic(.runtime, "C004", "\(path) has errors; nothing in it ran", file: file, range: statement.range)
        case .success(let p):
            program = p
            if !p.warnings.isEmpty { report(p.warnings) }
        }
        // The file is one transaction, like `run FILE`: when a statement in it fails, none of
        // its changes are kept (and what ran before `.read` is untouched).
        let savepoint = interpreter.savepoint()
        let filesBefore = stagedFiles.entries.count
        let outerMappings = interpreter.plannedMappings
        interpreter.plannedMappings.merge(Interpreter.mappings(following: program.statements, file: source)) { $1 }
        defer { interpreter.plannedMappings = outerMappings }
        readDepth += 1
        defer { readDepth -= 1 }
        let status: Int32
        do { status = try runTransaction(program.statements, file: source) } catch {
            interpreter.rollback(to: savepoint)
            stagedFiles.discard(from: filesBefore)
            throw error
        }
        if status != ExitStatus.success {
            interpreter.rollback(to: savepoint)
            stagedFiles.discard(from: filesBefore)
            if interpreter.committed(since: savepoint) {
                throw Diagnostic(.runtime, "C005", "a statement in \(path) failed; nothing of it after its last delivery was kept",
                                 file: file, range: statement.range,
                                 notes: ["a delivery commits at once what came before it, so no notification is made or sent twice"])
            }
            throw Diagnostic(.runtime, "C005", "a statement in \(path) failed; nothing of it was kept", file: file, range: statement.range)
        }
    }
}

extension Session {
    /// Bold red errors and yellow warnings, the first occurrence of the severity word only.
    static func colored(_ text: String, _ severity: Diagnostic.Severity) -> String {
        let word = severity.rawValue + "["
        guard let r = text.range(of: word) else { return text }
        let code = severity == .error ? "\u{1B}[1;31m" : severity == .warning ? "\u{1B}[1;33m" : "\u{1B}[1m"
        return text.replacingCharacters(in: r, with: code + severity.rawValue + "\u{1B}[0m[")
    }

    /// Reads segments from this session's store, for replaying imports.
    func segmentLoader() -> @Sendable (String) throws -> [UInt8] {
        let box = StoreReference(store: store)
        return { name in try box.store.readSegment(name) }
    }
}

/// A store handed to the state's segment loader. The loader runs only on the session's own
/// thread, while the state replays; the box lets it cross the `Sendable` boundary.
private struct StoreReference: @unchecked Sendable {
    let store: Store
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension String {
    /// "time: 0.012s" without Foundation's String(format:).
    init(format3 seconds: Double) {
        let ms = Int((seconds * 1000).rounded())
        let frac = ms % 1000
        self = "time: \(ms / 1000).\(frac < 10 ? "00" : frac < 100 ? "0" : "")\(frac)s"
    }
}
