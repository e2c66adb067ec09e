import FunnelCore
#if canImport(Glibc)
import Glibc
#endif

/// `funnel --stream`: standard input read as a coprocess. Each entry (lines up to a complete
/// statement, the REPL's rule) runs as soon as it has arrived, as its own transaction; an
/// entry that fails is reported and the next one still runs, as sqlite3 does with piped
/// input. Without `--stream`, stdin is a script: parsed whole first, one transaction.
public struct StreamRunner {
    let session: Session
    public init(session: Session) { self.session = session }

    public func run() -> Int32 {
        var status = ExitStatus.success
        var entry: [UInt8] = []
        var firstLine = 1, lineNumber = 0
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var atEnd = false
        while !atEnd && !session.quitRequested {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { atEnd = true } else { pending += chunk[0..<n] }
            // Every whole line that has arrived, then (at the end) the last one without a newline.
            while let newline = pending.firstIndex(of: 10) ?? (atEnd && !pending.isEmpty ? pending.count - 1 : nil) {
                let line = pending[...newline]
                pending.removeSubrange(...newline)
                lineNumber += 1
                if entry.isEmpty { firstLine = lineNumber }
                entry += line
                if entry.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { entry.removeAll(); continue }
                let file = SourceFile(name: "<stdin>", bytes: Self.padded(entry, toLine: firstLine))
                let parsed = Parser.parse(file)
                if parsed.isIncomplete && !atEnd { continue }
                entry.removeAll()
                status = max(status, session.runScript(parsed, file: file))
                if session.quitRequested { break }
            }
        }
        return status
    }

    /// Blank lines before the entry, so its errors name its line in the whole input.
    static func padded(_ entry: [UInt8], toLine line: Int) -> [UInt8] {
        [UInt8](repeating: 10, count: line - 1) + entry
    }
}
