import ArgumentParser
import FunnelCore
import FunnelShell

/// Reports a failure the way a session does and ends with its exit code.
func fail(_ d: Diagnostic) -> ExitCode {
    let err = OutputSink.standardError
    err.line(DiagnosticRenderer.render(d))
    err.flush()
    return ExitCode(d.exitCode)
}

func directoryNeedsNoSetup(_ path: String, _ command: String) -> ExitCode {
    fail(Diagnostic(.usage, "F010", "\(path) is a directory store; `funnel \(command)` is for a team store on PostgreSQL",
                    help: "a directory store is created by its first change; give a postgres:// URL with --store"))
}

/// `init` (creating the tables) and `migrate` (upgrading them): a team store's schema
/// installed, and what was done said.
private func installSchema(_ options: GlobalOptions, command: String, creating: Bool) throws {
    guard case .postgres(let url) = options.storeAddress else { throw directoryNeedsNoSetup(options.storePath, command) }
    do {
        let outcome = try PostgresSchema.install(url: url, creating: creating)
        OutputSink.standardOutput.line(PostgresSchema.describe(outcome, at: options.storeAddress.display))
        OutputSink.standardOutput.flush()
    } catch let d as Diagnostic {
        throw fail(d)
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a team store's tables in a PostgreSQL database (--store postgres://...).",
        discussion: "Safe to run again: a database that already holds the store is left as it is.")

    @OptionGroup var options: GlobalOptions

    mutating func run() throws { try installSchema(options, command: "init", creating: true) }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upgrade a team store's tables to the schema this funnel uses.")

    @OptionGroup var options: GlobalOptions

    mutating func run() throws { try installSchema(options, command: "migrate", creating: false) }
}

struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy every event and segment of a store into an empty one (a directory or a postgres:// URL).",
        discussion: "The runs keep their order and grouping; check both sides with `funnel verify` afterwards.")

    @Option(help: ArgumentHelp("The store to copy.", valueName: "store"))
    var from: String

    @Option(help: ArgumentHelp("The empty store to fill.", valueName: "store"))
    var to: String

    mutating func run() throws {
        let source = StoreAddress(from), destination = StoreAddress(to)
        do {
            let summary = try StoreCopy.copy(from: source.open(), to: destination.open())
            let s = summary
            OutputSink.standardOutput.line("copied \(s.events) event\(s.events == 1 ? "" : "s") in \(s.runs) commit\(s.runs == 1 ? "" : "s")"
                + (s.segments > 0 ? " and \(s.segments) segment\(s.segments == 1 ? "" : "s")" : "")
                + " from \(source.display) to \(destination.display)")
            OutputSink.standardOutput.flush()
        } catch let d as Diagnostic {
            throw fail(d)
        }
    }
}
