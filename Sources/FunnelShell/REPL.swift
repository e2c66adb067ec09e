import FunnelCore

/// The interactive loop: reads an entry (several lines while the parser says it is
/// incomplete), runs it as its own transaction, and goes on after errors.
public final class REPL {
    let session: Session
    let reader: LineReader
    let storePath: String

    public init(session: Session, storePath: String, reader: LineReader? = nil) {
        self.session = session
        self.storePath = storePath
        self.reader = reader ?? PlainLineReader()
    }

    public static let prompt = "funnel> "
    public static let continuationPrompt = "   ...> "

    public func run() -> Int32 {
        session.banner(storePath: storePath)
        var entry: [String] = []
        while !session.quitRequested {
            guard let line = reader.readLine(prompt: entry.isEmpty ? Self.prompt : Self.continuationPrompt) else { break }
            entry.append(line)
            let text = entry.joined(separator: "\n")
            let file = SourceFile(name: "<entry>", text: text)
            if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" }) { entry.removeAll(); continue }
            if Parser.parse(file).isIncomplete { continue }
            reader.addHistory(text)
            _ = session.runScript(file)
            entry.removeAll()
        }
        return ExitStatus.success
    }
}

extension Session {
    func banner(storePath: String) {
        out.line("funnel \(FunnelVersion.string) — store \(storePath) — type .help for help, .quit to leave")
        out.flush()
    }
}
