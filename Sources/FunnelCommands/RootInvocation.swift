import ArgumentParser
import FunnelCore
import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// `funnel [OPTIONS] [-c STATEMENT ...] [-init FILE] [-cmd STATEMENT ...]`: statements from
/// the command line, else the REPL on a terminal, else a script on standard input. Made by
/// `Funnel` (swift-argument-parser) or by `FastCommandLine`; ends by throwing its exit code.
struct RootInvocation: Equatable {
    var settings: GlobalSettings
    var statements: [String] = []
    var initFile: String?
    var startup: [String] = []

    func run() throws {
        let entries = statements
        let interactive = entries.isEmpty && isatty(0) == 1
        let session = try settings.makeSession(interactive: interactive)
        defer { ProcessEnd.keep(session) }
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
                if s != ExitStatus.success && !settings.keepGoing { break }
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
            let history = HistoryFile.defaultPath(environment: ProcessEnvironment.variables).map { HistoryFile(path: $0) }
            let status = REPL(session: session, storePath: settings.storeAddress.display, reader: ReadlineLineReader(historyFile: history)).run()
            session.close()
            throw ExitCode(status)
        }
        if settings.stream {
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
