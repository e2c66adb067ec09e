import ArgumentParser
import FunnelCore
import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// What the options every form of the command takes say, as plain values. Both parsers make
/// one — swift-argument-parser through `GlobalOptions`, the fast path through
/// `FastCommandLine` — and the commands run with it, so the two cannot drift apart in what an
/// option means.
struct GlobalSettings: Equatable {
    var store: String?
    var format: String?
    var today: String?
    var charset: String?
    var keepGoing = false
    var quiet = false
    var stream = false

    /// What is wrong with these options, or nil; `GlobalOptions.validate` throws it (the usage
    /// error), and the fast path leaves such a command line to the full parser, which does.
    /// `environment` looks a variable up (its value, nil when unset or empty).
    func problem(environment: (String) -> String?) -> String? {
        if let f = format, OutputFormat(rawValue: f.lowercased()) == nil {
            return "unknown format '\(f)'; use " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        }
        if let t = environment("FUNNEL_LOCK_TIMEOUT"), Double(t).map({ !($0 >= 0 && $0 <= 86_400) }) ?? true {
            return "FUNNEL_LOCK_TIMEOUT is '\(t)'; write a number of seconds from 0 to 86400"
        }
        if let c = charset ?? environment("FUNNEL_CHARSET"), ChartRenderer.Charset(rawValue: c.lowercased()) == nil {
            return "unknown charset '\(c)'; use unicode or ascii"
        }
        if let t = today ?? environment("FUNNEL_TODAY"), Calendar.parseISO(t) == nil {
            return "'\(t)' is not a date; \(DotCommand.dateHelp(t))"
        }
        return nil
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
            ?? ChartRenderer.Charset.fromLocale(ProcessEnvironment.variables)
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
