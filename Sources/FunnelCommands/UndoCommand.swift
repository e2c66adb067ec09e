import ArgumentParser
import FunnelCore
import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

struct Undo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take back the last run on the store, by recording an undo (the journal is never edited).",
        discussion: "Shows what the run did and asks (y/N) on standard input; --yes answers yes. Refused when the last run is itself an undo.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Take back the last run committed on the store (required: it says what is taken back).")
    var lastRun = false

    @Flag(help: "Do not ask; take the run back.")
    var yes = false

    func validate() throws {
        if !lastRun { throw ValidationError("say what to take back: funnel undo --last-run (in the REPL, undo takes back the session's last entry)") }
    }

    mutating func run() throws {
        let session = try options.makeSession()
        defer { session.close() }
        let yes = self.yes
        session.confirm = { question in
            OutputSink.standardOutput.line(question)
            if yes { return true }
            OutputSink.standardOutput.write("take it back? (y/N) ")
            OutputSink.standardOutput.flush()
            guard let answer = readLine() else { return false }
            return Session.isYes(answer)
        }
        throw ExitCode(session.undoLastRun())
    }
}
