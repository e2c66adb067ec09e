import CReadline
import FunnelCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C, shared by the line editor and running statements.
///
/// The handler (in the C shim) only sets a flag and wakes the line editor through a pipe.
/// While a line is being read, Ctrl-C discards it and `readLine` returns `.interrupted`. While a
/// statement runs, the statement polls `isPending` and stops; a third Ctrl-C without a `clear()`
/// in between ends the process, so a statement that never polls can still be stopped.
/// `readLine` clears the flag when it starts, so the session need not clear it before running a
/// statement (doing so would lose a Ctrl-C pressed right after Enter).
public enum Interrupt {
    /// Installs the SIGINT handler (idempotent). False when it could not be installed.
    @discardableResult
    public static func install() -> Bool { funnel_install_sigint() == 0 }
    /// Whether Ctrl-C was pressed since the last `clear()`.
    public static var isPending: Bool { funnel_interrupted() != 0 }
    /// Forgets a Ctrl-C, e.g. after a cancelled statement in a script run without a reader.
    public static func clear() { funnel_clear_interrupt() }
}

/// A `LineReader` on GNU readline: line editing, history (kept in a `HistoryFile`), tab
/// completion through `completer`, Ctrl-C discards the line, Ctrl-D on an empty line ends.
///
/// Readline is one global editor per process: create one reader and use it from the main
/// thread only.
public final class ReadlineLineReader: LineReader {
    /// Candidates for the line and cursor (a UTF-8 byte offset), as `Completion.candidates`
    /// returns them. Only the current physical line is passed: a session completing inside a
    /// multi-line entry should prepend the lines entered so far and shift the cursor.
    public var completer: ((_ line: String, _ cursor: Int) -> [String])?
    public let historyFile: HistoryFile?
    private var lastEntry: String?
    private var historyWarned = false

    /// The reader readline's completion callback (a C function without context) reaches.
    nonisolated(unsafe) static weak var active: ReadlineLineReader?

    /// Reads the terminal on standard input and output.
    public convenience init(historyFile: HistoryFile?) {
        self.init(historyFile: historyFile, input: nil, output: nil, terminalName: nil)
    }

    /// `input`/`output` replace standard input and output, and `terminalName` the `TERM`
    /// variable (tests drive a pseudo-terminal in-process with them).
    init(historyFile: HistoryFile?, input: UnsafeMutablePointer<FILE>?, output: UnsafeMutablePointer<FILE>?,
         terminalName: String?) {
        self.historyFile = historyFile
        Self.configureLocale()
        funnel_set_readline_name("funnel")
        if let terminalName { funnel_set_terminal_name(terminalName) }
        funnel_set_streams(input, output)
        // The shim's handler owns SIGINT; readline's own would re-raise it.
        funnel_set_catch_signals(0)
        funnel_set_completer_word_break_characters(" \t\n(),=<>[]{};:!+-*/%")
        // Inside "...", readline completes from after the quote and ignores the break
        // characters, so `"Closed W` is completed as a whole.
        funnel_set_completer_quote_characters("\"")
        funnel_set_completion_append_character(Int32(UInt8(ascii: " ")))
        funnel_set_attempted_completion_function { text, start, end in
            ReadlineLineReader.attemptCompletion(text, start, end)
        }
        Interrupt.install()
        // The history file is the source of truth; a second reader must not double the list.
        clear_history()
        using_history()
        stifle_history(Int32(clamping: historyFile?.limit ?? 10_000))
        if let historyFile {
            do {
                let entries = try historyFile.load()
                for entry in entries { add_history(entry) }
                lastEntry = entries.last
            } catch {
                warnHistory(error)
            }
        }
        Self.active = self
    }

    public func readLine(prompt: String) -> LineInput {
        Self.active = self
        var out: UnsafeMutablePointer<CChar>?
        let status = prompt.withCString { funnel_readline($0, &out) }
        switch status {
        case 1:
            guard let out else { return .end }
            defer { free(out) }
            return .line(String(cString: out))
        case -1:
            return .interrupted
        default:
            return .end
        }
    }

    /// Records an entry in memory and appends it to the history file at once. Blank entries and
    /// repeats of the previous entry are skipped.
    public func addHistory(_ entry: String) {
        if entry.allSatisfy(\.isWhitespace) || entry == lastEntry { return }
        lastEntry = entry
        add_history(entry)
        guard let historyFile else { return }
        do {
            try historyFile.append(entry)
        } catch {
            warnHistory(error)
        }
    }

    private func warnHistory(_ error: HistoryFile.IOError) {
        // Once per session: history is a convenience, not worth a message per line.
        if historyWarned { return }
        historyWarned = true
        let message = Array("funnel: warning: \(error.description)\n".utf8)
        message.withUnsafeBytes { raw in _ = write(2, raw.baseAddress, raw.count) }
    }

    /// Readline decodes multibyte input by the C locale's character type, which a Swift
    /// program leaves at "C"; without UTF-8 there, Chinese input shows up as octal escapes.
    static func configureLocale() {
        if setlocale(LC_CTYPE, "") == nil || !isUTF8Locale() {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    private static func isUTF8Locale() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    // MARK: Completion glue

    static func attemptCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    {
        // Never fall back to readline's file-name completion, and let candidates carry their
        // own closing quote.
        funnel_set_attempted_completion_over(1)
        funnel_set_completion_suppress_quote(1)
        funnel_set_completion_suppress_append(0)
        // The candidates come in the order to show them (stages in funnel order) and without
        // duplicates; readline would sort them by code point, and its duplicate removal
        // relies on that sort, so both are left to `Completion.candidates`.
        funnel_set_sort_completion_matches(0)
        funnel_set_ignore_completion_duplicates(0)
        guard let reader = active, let completer = reader.completer, let text,
              let buffer = funnel_line_buffer() else { return nil }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: max(0, Int(funnel_line_end())))
        let line = String(decoding: bytes, as: UTF8.self)
        // Not UTF-8 (decoding repaired it): byte offsets would not line up.
        guard line.utf8.count == bytes.count else { return nil }
        let cursor = min(max(0, Int(funnel_point())), bytes.count)
        let candidates = completer(line, cursor)
        if candidates.isEmpty { return nil }
        let matches = candidates.map {
            readlineMatch(line: line, cursor: cursor, wordStart: Int(start), candidate: $0)
        }
        // A directory is not finished: no space after `"data/`.
        if candidates.allSatisfy({ $0.hasSuffix("/") }) { funnel_set_completion_suppress_append(1) }
        let width = candidates.map { DisplayWidth.of($0) }.max() ?? 0
        return withCStrings(matches) { m in
            withCStrings(candidates) { d in
                funnel_completion_result(text, m, Int32(matches.count), d, Int32(candidates.count), Int32(width))
            }
        }
    }

    /// The text readline should put in place of the line's bytes `wordStart..<cursor` (the word
    /// it found with its break and quote characters) so that the line reads as if `candidate`
    /// had replaced the text from `Completion.replacementStart`.
    static func readlineMatch(line: String, cursor: Int, wordStart: Int, candidate: String) -> String {
        let bytes = Array(Completion.textBefore(line, cursor: cursor).utf8)
        let r = min(max(0, wordStart), bytes.count)
        let o = Completion.replacementStart(line: line, cursor: cursor, candidate: candidate)
        let cand = Array(candidate.utf8)
        if o >= r { return String(decoding: Array(bytes[r..<o]) + cand, as: UTF8.self) }
        // Readline keeps bytes[o..<r]; the candidate must start with them.
        let kept = bytes[o..<r]
        if Completion.asciiCaseInsensitiveHasPrefix(cand[...], kept) {
            return String(decoding: cand.dropFirst(kept.count), as: UTF8.self)
        }
        if cand.first == UInt8(ascii: "\""), Completion.asciiCaseInsensitiveHasPrefix(cand.dropFirst(), kept) {
            // The opening quote cannot be inserted before text readline keeps; the rest still helps.
            return String(decoding: cand.dropFirst(kept.count + 1), as: UTF8.self)
        }
        return candidate
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { for p in pointers { free(p) } }
        let constPointers = pointers.map { $0.map { UnsafePointer($0) } }
        return constPointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
