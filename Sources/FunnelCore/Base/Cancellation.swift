/// Lets a person stop a long statement (Ctrl-C in the REPL). The core cannot see the
/// terminal, so the shell installs the question once; long loops ask it every 65,536 rows,
/// which costs nothing measurable and answers within milliseconds.
public enum Cancellation {
    nonisolated(unsafe) private static var requested: @Sendable () -> Bool = { false }

    /// Installed by the shell before the first statement runs.
    public static func install(_ check: @escaping @Sendable () -> Bool) { requested = check }

    /// The error a cancelled statement ends with; the shell keeps nothing of the entry.
    public static let interrupted = Diagnostic(.runtime, "C010", "interrupted; nothing from this entry was kept")

    @inline(__always)
    public static func checkpoint(_ row: Int) throws {
        if row & 0xFFFF == 0xFFFF, requested() { throw interrupted }
    }
}
