import ArgumentParser
import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// The executable's entry point (Sources/funnel/main.swift).
public enum FunnelMain {
    public static func main() {
        let arguments = CommandLineText.arguments(Array(CommandLine.arguments.dropFirst()))
        switch FastCommandLine.parse(arguments, environment: environment) {
        case .version?:
            print(FunnelVersion.string)
            exit(ExitStatus.success)
        case .root(let invocation)?:
            finish { try invocation.run() }
        case .run(let invocation)?:
            finish { try invocation.run() }
        case nil:
            finish {
                var command = try Funnel.parseAsRoot(arguments)
                try command.run()
            }
        }
    }

    /// Runs a command as `ParsableCommand.main` does, and exits. A command's exit code ends the
    /// process directly: `Funnel.exit(withError:)` prints nothing for it, but builds the usage
    /// text first, by the same reflection the fast path avoids.
    static func finish(_ body: () throws -> Void) -> Never {
        do {
            try body()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            Funnel.exit(withError: error)
        }
        exit(ExitStatus.success)
    }
}
