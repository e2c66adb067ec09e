/// What one read from the user produced.
public enum LineInput: Equatable, Sendable {
    /// A line without its newline. From a terminal it may itself contain newlines: a recalled
    /// multi-line history entry or a bracketed paste arrives as one `.line`.
    case line(String)
    /// Ctrl-C: the typed line was discarded. The session should also drop a partly entered
    /// multi-line entry and prompt afresh.
    case interrupted
    /// End of input (Ctrl-D on an empty line, or the end of a piped script).
    case end
}

/// Where the REPL gets its lines from: GNU readline on a terminal, a plain reader otherwise
/// (readline would echo input that is not a terminal).
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    /// Records a finished (possibly multi-line) entry in history.
    func addHistory(_ entry: String)
}

/// Reads standard input with no prompt and no echo, for `funnel < script.funnel`.
public final class PlainLineReader: LineReader {
    public init() {}
    public func readLine(prompt: String) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }
    public func addHistory(_ entry: String) {}
}
