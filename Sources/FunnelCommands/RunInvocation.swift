import ArgumentParser
import FunnelCore
import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// `funnel run FILE...`: every file parsed first, then each run as one transaction, in order.
/// Made by `Run` (swift-argument-parser) or by `FastCommandLine`; ends by throwing its exit code.
struct RunInvocation: Equatable {
    var settings: GlobalSettings
    var files: [String]

    func run() throws {
        let session = try settings.makeSession()
        defer { session.close(); ProcessEnd.keep(session) }
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
            if s != ExitStatus.success && !settings.keepGoing { break }
        }
        // What was kept, for the person watching: on a terminal only, so that output captured
        // by a program or a test stays as it was.
        if !settings.quiet, status == ExitStatus.success || settings.keepGoing, isatty(2) == 1 {
            session.report([])
            OutputSink.standardError.line(session.keptSummary)
        }
        throw ExitCode(status)
    }
}
