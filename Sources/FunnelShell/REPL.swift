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
                if !entry.isEmpty { session.writeLine("") }
                return ExitStatus.success
            case .interrupted:
                entry.removeAll()
            case .line(let line):
                entry.append(line)
                let text = entry.joined(separator: "\n")
                if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) { entry.removeAll(); continue }
                let file = SourceFile(name: "<entry>", text: text)
                let parsed = Parser.parse(file)
                if parsed.isIncomplete { continue }
                // Leaving is not worth recalling next time; a password in `.open postgres://…` is never kept.
                if ![".quit", ".exit"].contains(text.trimmingCharacters(in: .whitespaces)) { reader.addHistory(StoreAddress.maskingPasswords(in: text)) }
                entry.removeAll()
                _ = session.runScript(parsed, file: file)
            }
        }
        return ExitStatus.success
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
