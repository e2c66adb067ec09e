#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What happens when a part of the store read on first use (Deferred.swift) can be had
/// neither from the snapshot nor from the journal, where no caller is there to take an
/// error: the reading of a value that cannot fail. The shell installs a handler that
/// prints the diagnostic and exits with the store-error code (74); the core never prints.
/// Giving the figure without that part would be a wrong figure, so nothing returns.
public enum StoreFailure {
    nonisolated(unsafe) public static var handler: @Sendable (Diagnostic) -> Never = { _ in exit(74) }

    public static func stop(_ d: Diagnostic) -> Never { handler(d) }
}
