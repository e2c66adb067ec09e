import Foundation
import FunnelCore

/// The interactive loop: reads an entry (several lines while the parser says it is
/// incomplete — the same rule as scripts), runs it as its own transaction, and goes on
/// after errors. Ctrl-C drops the entry being typed; Ctrl-D on an empty line leaves.
public final class REPL {
    let session: Session
    let reader: LineReader
    let storePath: String
    /// Lines of the entry typed so far, before the current line.
    var entry: [String] = []

    public init(session: Session, storePath: String, reader: LineReader) {
        self.session = session
        self.storePath = storePath
        self.reader = reader
        // `undo` shows what it takes back and asks on the terminal.
        session.confirm = { [unowned self] question in
            self.session.writeLine(question)
            guard case .line(let answer) = self.reader.readLine(prompt: "take it back? (y/N) ") else { return false }
            return Session.isYes(answer)
        }
        if let readline = reader as? ReadlineLineReader {
            readline.completer = { [unowned self] line, cursor in
                let (text, at) = Self.completionLine(pending: self.entry, current: line, cursor: cursor)
                return Completion.candidates(line: text, cursor: at, catalog: SessionCatalog(state: self.session.state))
            }
        }
    }

    public static let prompt = "funnel> "
    public static let continuationPrompt = "   ...> "

    public func run() -> Int32 {
        session.banner(storePath: storePath)
        while !session.quitRequested {
            switch reader.readLine(prompt: entry.isEmpty ? Self.prompt : Self.continuationPrompt) {
            case .end:
                if !entry.isEmpty {
                    // Ctrl-D in the middle of an entry: say that it was not run.
                    session.writeLine("")
                    session.writeLine("dropped the unfinished entry (\(entry.count) line\(entry.count == 1 ? "" : "s")), nothing from it ran")
                }
                return ExitStatus.success
            case .interrupted:
                entry.removeAll()
            case .line(let line):
                entry.append(line)
                let text = entry.joined(separator: "\n")
                if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) { entry.removeAll(); continue }
                let file = SourceFile(name: "<entry>", text: text)
                let parsed = Parser.parse(file)
                // An error inside a `{ ... }` block that is still open (a typo in a pasted
                // funnel declaration): read on to the closing brace, so the rest of the block
                // is part of this entry and the entry gives one error, not one per line.
                if parsed.isIncomplete || (!parsed.diagnostics.isEmpty && Self.openBraces(file) > 0) { continue }
                // Leaving is not worth recalling next time; a password in `.open postgres://…` is never kept.
                if ![".quit", ".exit"].contains(text.trimmingCharacters(in: .whitespaces)) { reader.addHistory(StoreAddress.maskingPasswords(in: text)) }
                entry.removeAll()
                _ = session.runScript(parsed, file: file)
            }
        }
        return ExitStatus.success
    }

    /// `{` not yet closed by `}`, counted on the real tokens (a brace in a string is text).
    static func openBraces(_ file: SourceFile) -> Int {
        var depth = 0
        for t in Lexer.tokenize(file).tokens {
            if t.isSymbol("{") { depth += 1 } else if t.isSymbol("}") { depth = max(0, depth - 1) }
        }
        return depth
    }

    /// The text typed so far in a multi-line entry, for completion.
    public static func completionLine(pending: [String], current: String, cursor: Int) -> (String, Int) {
        let before = pending.map { $0 + "\n" }.joined()
        return (before + current, before.utf8.count + cursor)
    }
}

extension Session {
    func banner(storePath: String) {
        out.line("funnel \(FunnelVersion.string) — store \(storePath) — type .help for help, .quit to leave")
        out.flush()
    }

    func writeLine(_ s: String) {
        out.line(s)
        out.flush()
    }
}
