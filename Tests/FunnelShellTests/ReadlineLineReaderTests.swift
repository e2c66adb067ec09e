import Dispatch
import Foundation
import Testing
@testable import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// A `readLine` running on its own thread, as the REPL's main thread would run it.
final class PendingRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: LineInput?

    init(_ reader: ReadlineLineReader, prompt: String) {
        nonisolated(unsafe) let reader = reader
        Thread.detachNewThread {
            self.result = reader.readLine(prompt: prompt)
            self.done.signal()
        }
    }

    /// The result, or nil when readLine did not return in time (the thread is then left blocked,
    /// so the test fails instead of hanging).
    func wait(timeout: Double = 10) -> LineInput? {
        done.wait(timeout: .now() + timeout) == .success ? result : nil
    }
}

/// Readline is one global editor per process, so everything that drives it runs in one
/// serialized suite, on a pseudo-terminal opened in-process (not our controlling terminal, so
/// Ctrl-C is simulated by sending SIGINT to the process).
@Suite(.serialized) struct ReadlineLineReaderTests {
    let terminal: PTYTerminal
    let reader: ReadlineLineReader
    let historyPath: String

    init() throws {
        terminal = try PTYTerminal(columns: 200, rows: 24)
        let slave = open(terminal.slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        let slaveOut = fcntl(slave, F_DUPFD_CLOEXEC, 0)
        guard slave >= 0, slaveOut >= 0, let input = fdopen(slave, "r"), let output = fdopen(slaveOut, "w") else {
            throw PTYTerminal.Failure(description: "cannot open \(terminal.slavePath)")
        }
        historyPath = makeTempDirectory() + "/history"
        let seed = HistoryFile(path: historyPath)
        try seed.append("count deals")
        reader = ReadlineLineReader(historyFile: HistoryFile(path: historyPath), input: input, output: output,
                                    terminalName: "dumb")
        reader.completer = { line, cursor in
            Completion.candidates(line: line, cursor: cursor, catalog: FakeCatalog())
        }
    }

    func read(typing keys: String) throws -> LineInput? {
        let pending = PendingRead(reader, prompt: "funnel> ")
        try terminal.expect("funnel> ")
        try terminal.send(keys)
        return pending.wait()
    }

    @Test func completesKeywordsNamesAndQuotedNames() throws {
        #expect(try read(typing: "deals where stage >= Pro\t\r") == .line("deals where stage >= Proposal "))
        #expect(try read(typing: "deals WH\t\r") == .line("deals where "))
        #expect(try read(typing: "move deal \"D-1\" to 方\t\r") == .line("move deal \"D-1\" to 方案呈现 "))
        #expect(try read(typing: "deals where stage = \"Closed W\t\r") == .line("deals where stage = \"Closed Won\" "))
        // Both stages start with `Closed `: readline inserts the common part, quoted.
        #expect(try read(typing: "deals where stage = Closed\t\r") == .line("deals where stage = \"Closed "))
        #expect(try read(typing: "move deal \"D-2\t\r") == .line("move deal \"D-2001\" "))
        #expect(try read(typing: "sum amount by close_date.q\t\r") == .line("sum amount by close_date.quarter "))
        #expect(try read(typing: ".re\t\r") == .line(".read "))
        #expect(try read(typing: "win r\t\r") == .line("win rate "))
        // A directory is not finished, so no space follows it.
        #expect(try read(typing: "import deals from \"da\t\r") == .line("import deals from \"data/"))
    }

    @Test func listsFullCandidates() throws {
        let pending = PendingRead(reader, prompt: "funnel> ")
        try terminal.expect("funnel> ")
        try terminal.send("deals where stage >= \"Closed \t\t")
        // In funnel order: won before lost, as the catalog lists them (not sorted).
        try terminal.expect("\"Closed Won\"")
        try terminal.expect("\"Closed Lost\"")
        try terminal.send("W\t\r")
        #expect(pending.wait() == .line("deals where stage >= \"Closed Won\" "))
    }

    @Test func ctrlCDiscardsTheLine() throws {
        let pending = PendingRead(reader, prompt: "funnel> ")
        try terminal.expect("funnel> ")
        try terminal.send("forecast by te")
        try terminal.expect("te")
        kill(getpid(), SIGINT)
        #expect(pending.wait() == .interrupted)
        try terminal.expect("^C")
        #expect(!Interrupt.isPending)
        // The next read starts from an empty line.
        #expect(try read(typing: "deals\r") == .line("deals"))
    }

    @Test func ctrlDOnAnEmptyLineEnds() throws {
        #expect(try read(typing: "\u{04}") == .end)
        // Not on a line with text: there it deletes the character under the cursor.
        #expect(try read(typing: "dealsx\u{02}\u{04}\r") == .line("deals"))
    }

    @Test func historyIsLoadedRecalledAndAppended() throws {
        reader.addHistory("forecast\n  by team")
        reader.addHistory("forecast\n  by team")  // a repeat is not recorded twice
        reader.addHistory("  ")
        #expect(readFile(historyPath) == "count deals\nforecast\\n  by team\n")
        #expect(try read(typing: "\u{10}\r") == .line("forecast\n  by team"))
        #expect(try read(typing: "\u{10}\u{10}\r") == .line("count deals"))
    }

    @Test func interruptFlagOutsideReadLine() {
        Interrupt.clear()
        #expect(!Interrupt.isPending)
        // raise() delivers to this thread before it returns (kill() might pick another
        // thread), but test worker threads block SIGINT, so unblock it around the call.
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, SIGINT)
        var saved = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &only, &saved)
        raise(SIGINT)
        pthread_sigmask(SIG_SETMASK, &saved, nil)
        #expect(Interrupt.isPending)
        Interrupt.clear()
        #expect(!Interrupt.isPending)
    }
}

@Suite struct ReadlineMatchTests {
    func match(_ line: String, wordStart: Int, _ candidate: String) -> String {
        ReadlineLineReader.readlineMatch(line: line, cursor: line.utf8.count, wordStart: wordStart, candidate: candidate)
    }
    @Test func rewritesCandidatesForReadlinesWord() {
        #expect(match("deals where stage >= Pro", wordStart: 21, "Proposal") == "Proposal")
        // Inside quotes readline's word starts after the quote.
        #expect(match("deals where stage >= \"Closed W", wordStart: 22, "\"Closed Won\"") == "Closed Won\"")
        #expect(match("move deal \"D-1\" to Clo", wordStart: 19, "\"Closed Won\"") == "\"Closed Won\"")
        #expect(match("win r", wordStart: 4, "rate") == "rate")
        #expect(match("WIN r", wordStart: 4, "win rate") == "rate")
        // `.` is not a word break, so readline's word is longer than the candidate's.
        #expect(match("sum amount by close_date.mo", wordStart: 14, "month") == "close_date.month")
        #expect(match(".re", wordStart: 0, ".read") == ".read")
        #expect(match("deals where ", wordStart: 12, "amount") == "amount")
    }
}
