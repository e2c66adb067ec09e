/// Where the REPL gets its lines from: GNU readline on a terminal, a plain reader otherwise
/// (readline would echo input that is not a terminal).
public protocol LineReader: AnyObject {
    /// The next line without its newline, or nil at end of input.
    func readLine(prompt: String) -> String?
    /// Records a finished (possibly multi-line) entry in history.
    func addHistory(_ entry: String)
}

/// Reads standard input with no prompt and no echo, for `funnel < script.funnel`.
public final class PlainLineReader: LineReader {
    public init() {}
    public func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
    public func addHistory(_ entry: String) {}
}
